#!/usr/bin/env bash
# Starts a Docker engine of our own when none answers, for the deploy test: host networking only
# (no bridge, no iptables rules), with its own data root, exec root, pidfile and socket so that it
# never meets an engine the machine already runs.
#   docker-engine.sh start  -> prints the DOCKER_HOST to use and "existing" or "started"
#   docker-engine.sh stop   -> stops the engine this script started, if it did
# With SFE_DOCKER_FAKE_GPU=1 the engine it starts also accepts NVIDIA device reservations on a
# machine without a GPU: dockerd registers its nvidia device driver when it finds
# nvidia-container-runtime-hook on its PATH, and ours is a stand-in that attaches no device. The
# compose file's GPU reservation then goes through the engine unchanged; the worker runs on CPU.
set -euo pipefail

state=${SFE_DOCKER_STATE:-/var/lib/sfe-docker}
run=${SFE_DOCKER_RUN:-/run/sfe-docker}
socket="unix://$run/docker.sock"
log() { printf '[docker-engine] %s\n' "$*" >&2; }

start() {
  if docker info >/dev/null 2>&1; then
    echo "${DOCKER_HOST:-unix:///var/run/docker.sock} existing"
    return
  fi
  if DOCKER_HOST=$socket docker info >/dev/null 2>&1; then
    echo "$socket existing"
    return
  fi
  command -v dockerd >/dev/null || {
    log 'no Docker engine answers and dockerd is not installed (Debian: apt-get install docker.io)'
    exit 1
  }
  [[ $(id -u) == 0 ]] || { log 'starting dockerd needs root'; exit 1; }
  mkdir -p "$state/data" "$run/exec"
  log "starting dockerd (data in $state, socket $run/docker.sock)"
  local path=$PATH
  if [[ ${SFE_DOCKER_FAKE_GPU:-} == 1 ]]; then
    mkdir -p "$state/fake-gpu"
    printf '#!/bin/sh\n# stand-in for the NVIDIA runtime hook: no GPU here, nothing to attach\ncat >/dev/null\n' \
      >"$state/fake-gpu/nvidia-container-runtime-hook"
    chmod +x "$state/fake-gpu/nvidia-container-runtime-hook"
    path="$state/fake-gpu:$PATH"
  fi
  PATH=$path nohup dockerd --host "$socket" --data-root "$state/data" --exec-root "$run/exec" \
    --pidfile "$run/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
    >"$state/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    if DOCKER_HOST=$socket docker info >/dev/null 2>&1; then
      echo "$socket started"
      return
    fi
    sleep 1
  done
  log "dockerd did not answer within 60 s; its log: $state/dockerd.log"
  tail -20 "$state/dockerd.log" >&2
  exit 1
}

stop() {
  [[ -f $run/dockerd.pid ]] || return 0
  local pid
  pid=$(cat "$run/dockerd.pid")
  log "stopping dockerd $pid"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
  log "dockerd $pid still runs after 30 s"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 start|stop"; exit 2 ;;
esac
