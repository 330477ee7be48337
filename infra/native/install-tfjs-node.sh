#!/usr/bin/env bash
# Builds tfjs-node's native binding against the TensorFlow C library of a pinned PyPI wheel and
# installs the package into node_modules, so `import '@tensorflow/tfjs-node(-gpu)'` loads.
#
#   bash infra/native/install-tfjs-node.sh cpu   # @tensorflow/tfjs-node     + tensorflow-cpu
#   bash infra/native/install-tfjs-node.sh gpu   # @tensorflow/tfjs-node-gpu + tensorflow[and-cuda]
#
# Run from the repo root after `npm ci`. The package's own install script downloads libtensorflow
# 2.9.1 (CUDA 11) from Google's bucket, which fails offline and no longer runs on CUDA 12 GPUs, so
# the package is not an npm dependency: this script fetches it from the npm registry (pinned
# integrity), compiles its unchanged binding sources with node-gyp against the wheel's
# libtensorflow_cc.so.2 and headers, with Node's own headers (`--nodedir`), so nothing else is
# downloaded. Everything is cached in the versioned tools folder; a second run only copies the
# built package into node_modules (seconds). Where it cannot build it says why and exits 0: the
# product then runs on wasm.
set -Eeuo pipefail

variant=${1:-cpu}
TF_VERSION=2.16.2 # >= 2.17 returns 0 for Round on int32 (test/ml/native-round.test.ts guards it)
TFJS_NODE_VERSION=4.22.0

case "$variant" in
  cpu)
    pkg=tfjs-node
    wheel="tensorflow-cpu==$TF_VERSION"
    integrity=sha512-uHrXeUlfgkMxTZqHkESSV7zSdKdV0LlsBeblqkuKU9nnfxB1pC6DtoyYVaLxznzZy7WQSegjcohxxCjAf6Dc7w==
    ;;
  gpu)
    pkg=tfjs-node-gpu
    wheel="tensorflow[and-cuda]==$TF_VERSION"
    integrity=sha512-p//NN6DGiN4hInUmIkRffaFVMcdTREUMjPyjW04J7OXvB2zBlQimj61eFKSgRrH3f5TnOfKzb0n56he/B6a4bw==
    ;;
  *)
    echo "usage: $0 cpu|gpu" >&2
    exit 2
    ;;
esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../tools-dir.sh
source "$repo/infra/tools-dir.sh"
home="$tools_dir/tf/$variant-$TF_VERSION"
venv="$home/venv"
built="$home/$pkg-$TFJS_NODE_VERSION"
target="$repo/node_modules/@tensorflow/$pkg"

log() { printf '[native] %s\n' "$*" >&2; }
give_up() {
  log "$pkg not installed: $*"
  log "the product runs on the wasm backend instead"
  exit 0
}
trap 'give_up "step failed at line $LINENO (see the output above)"' ERR

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || give_up "the $wheel wheel is built for Linux x86_64 only"
for tool in python3 g++ make node npm; do
  command -v "$tool" >/dev/null || give_up "$tool is not on PATH"
done
[[ -d "$repo/node_modules/@tensorflow/tfjs-core" ]] || give_up "run npm ci first"
python3 -m venv --help >/dev/null 2>&1 || give_up "python3 has no venv module (apt-get install python3-venv)"

install_wheel() {
  [[ -f "$venv/.installed" ]] && return
  log "installing $wheel into $venv (one time, a few minutes)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: "$wheel"
  touch "$venv/.installed"
}

tf_dir() {
  "$venv/bin/python" - <<'PY'
import importlib.util, os
print(os.path.dirname(importlib.util.find_spec("tensorflow").origin))
PY
}

build_binding() {
  [[ -f "$built/.built" ]] && return
  local tf tmp nodedir gyp
  tf=$(tf_dir)
  [[ -f "$tf/libtensorflow_cc.so.2" ]] || give_up "$tf has no libtensorflow_cc.so.2"
  log "building the $pkg $TFJS_NODE_VERSION binding against $tf (one time, about a minute)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@tensorflow/$pkg@$TFJS_NODE_VERSION" >/dev/null)
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$tmp"/*.tgz | base64 -w0)"
  [[ "$got" == "$integrity" ]] || give_up "@tensorflow/$pkg tarball integrity $got, expected $integrity"
  rm -rf "$built"
  mkdir -p "$built"
  tar xzf "$tmp"/*.tgz -C "$built" --strip-components=1
  rm -rf "$tmp"
  # The wheel's C library exports the same TF_*/TFE_* C API under other file names. The gyp file
  # links -ltensorflow -ltensorflow_framework from deps/lib; the binding records the sonames.
  mkdir -p "$built/deps/lib"
  ln -sfn "$tf/include" "$built/deps/include"
  ln -sfn "$tf/libtensorflow_cc.so.2" "$built/deps/lib/libtensorflow.so"
  ln -sfn "$tf/libtensorflow_framework.so.2" "$built/deps/lib/libtensorflow_framework.so"
  nodedir=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [[ -f "$nodedir/include/node/node_api.h" ]] || give_up "Node's headers are not in $nodedir/include/node"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  [[ -f "$gyp" ]] || give_up "npm's bundled node-gyp is missing ($gyp)"
  local napi
  napi=$(node -p 'Math.min(8, Number(process.versions.napi))')
  # The runpath names the wheel's real folder so that libtensorflow_framework.so.2 finds the
  # CUDA libraries of the nvidia-*-cu12 packages through its own $ORIGIN/../nvidia/* runpath.
  (cd "$built" && LDFLAGS="-Wl,-rpath,$tf" node "$gyp" rebuild --nodedir="$nodedir" --silent \
    -- -Dnapi_build_version="$napi" -Dmodule_name=tfjs_binding -Dmodule_path="lib/napi-v$napi")
  [[ -f "$built/lib/napi-v$napi/tfjs_binding.node" ]] || give_up "node-gyp built no lib/napi-v$napi/tfjs_binding.node"
  rm -rf "$built/build"
  # Runtime dependencies only; @tensorflow/tfjs must resolve to the project's own copy, or the
  # backend would register with a second tfjs engine.
  (cd "$built" && npm install --silent --omit=dev --ignore-scripts --no-package-lock --no-audit --no-fund)
  rm -rf "$built/node_modules/@tensorflow"
  echo "$TF_VERSION" >"$built/.tf-version"
  touch "$built/.built"
}

link_package() {
  if [[ -f "$target/.built" && "$(readlink -f "$target/.source" 2>/dev/null)" == "$built" ]]; then return; fi
  rm -rf "$target"
  # A copy, not a symlink: Node resolves a symlinked package from its real path, where the
  # project's @tensorflow/tfjs cannot be found.
  cp -a "$built" "$target"
  ln -sfn "$built" "$target/.source"
}

check_load() {
  local out
  out=$(cd "$repo" && node --input-type=module -e "
    const tf = await import('@tensorflow/$pkg');
    const y = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync();
    console.log(tf.getBackend(), tf.version['tfjs-core'], JSON.stringify(y));
  " 2>&1) || give_up "the built binding does not load: $(printf '%s' "$out" | tail -3)"
  log "$pkg ready (TensorFlow $TF_VERSION, $(printf '%s' "$out" | tail -1))"
}

install_wheel
build_binding
link_package
check_load
