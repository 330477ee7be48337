#!/usr/bin/env bash
# Installs Debian's chromium, which the report test uses as a real headless browser.
# Idempotent: does nothing when /usr/bin/chromium exists. Needs root (or sudo) only to install.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

log() { printf '[install-chromium] %s\n' "$*" >&2; }
fail() {
  log "ERROR: $*"
  exit 1
}

if [[ -x "$CHROMIUM" ]]; then
  log "present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

command -v apt-get >/dev/null || fail "apt-get not found: install Debian's 'chromium' package by hand so that $CHROMIUM exists"

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || fail "not root and no sudo: run 'apt-get install -y chromium' as root"
  as_root=(sudo -n)
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
"${as_root[@]}" apt-get update -qq || fail "apt-get update failed (no network or no apt source?)"
log "apt-get install -y chromium (about 300 MB)"
"${as_root[@]}" apt-get install -y -qq chromium >/dev/null || fail "apt-get install chromium failed"

[[ -x "$CHROMIUM" ]] || fail "chromium installed but $CHROMIUM is missing"
log "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
