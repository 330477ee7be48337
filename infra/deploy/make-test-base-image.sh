#!/usr/bin/env bash
# Makes the deploy test's base image without a registry: a Debian trixie root (trixie ships
# Node.js 20; bookworm's is 18) built by mmdebstrap from Debian's packages and `docker import`ed.
# It carries what the project's images otherwise get from their public base images (Node.js,
# npm, Python with pip, a C++ toolchain, Go) and this machine's locally added CA certificates, so
# that npm, pip and go can reach their registries from inside builds where traffic is inspected.
# Test use only: users build on the public images the Dockerfiles name. Skips if the image exists.
#   make-test-base-image.sh IMAGE
set -euo pipefail

image=${1:?usage: make-test-base-image.sh IMAGE}
log() { printf '[base-image] %s\n' "$*" >&2; }

if docker image inspect "$image" >/dev/null 2>&1; then
  log "$image exists; skipping"
  exit 0
fi
command -v mmdebstrap >/dev/null || {
  log 'mmdebstrap is needed to make the test base image (Debian: apt-get install mmdebstrap)'
  exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bundle=/etc/ssl/certs/ca-certificates.crt
log "building a Debian trixie root with mmdebstrap into $tmp"
mmdebstrap --variant=minbase --mode=root --quiet \
  --include=ca-certificates,nodejs,npm,python3,python3-pip,python3-venv,g++,make,golang-go,git \
  --customize-hook='mkdir -p "$1/usr/local/share/ca-certificates"' \
  --customize-hook='if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/"; fi' \
  --customize-hook='chroot "$1" update-ca-certificates >/dev/null' \
  --customize-hook='rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/"*' \
  trixie "$tmp/root.tar" http://deb.debian.org/debian
log "importing it as $image"
# Node, pip and Go read their own CA settings; point them all at the system bundle.
docker import \
  --change "ENV NODE_EXTRA_CA_CERTS=$bundle" \
  --change "ENV PIP_CERT=$bundle" \
  --change "ENV SSL_CERT_FILE=$bundle" \
  --change "ENV REQUESTS_CA_BUNDLE=$bundle" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  "$tmp/root.tar" "$image" >/dev/null
log "done: $(docker image inspect "$image" --format '{{.Size}}') bytes"
