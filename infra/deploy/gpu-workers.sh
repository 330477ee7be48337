#!/usr/bin/env bash
# The GPU worker container's entrypoint: one `sfe worker --role gpu --slots 1` per GPU, each
# seeing only its own GPU, so that a machine runs one training per GPU. The GPUs are
# SFE_GPU_DEVICES (e.g. 0,1), else those the engine gave the container (NVIDIA_VISIBLE_DEVICES),
# else every GPU nvidia-smi lists, else one worker (a machine without a GPU). Arguments go to
# each worker; each touches its own /tmp/sfe-alive-gpu<id> (the healthcheck). SIGTERM reaches
# every worker, and the container ends when they all have stopped.
set -euo pipefail

devices=${SFE_GPU_DEVICES:-}
if [[ -z $devices && -n ${NVIDIA_VISIBLE_DEVICES:-} && ${NVIDIA_VISIBLE_DEVICES} != all && ${NVIDIA_VISIBLE_DEVICES} != none && ${NVIDIA_VISIBLE_DEVICES} != void ]]; then
  devices=$NVIDIA_VISIBLE_DEVICES
fi
if [[ -z $devices ]] && command -v nvidia-smi >/dev/null; then
  devices=$(nvidia-smi --query-gpu=index --format=csv,noheader | paste -sd, -)
fi
if [[ -z $devices ]]; then
  echo '[gpu-workers] no GPU found; one GPU-queue worker on what the backend finds' >&2
  devices=0
fi

pids=()
IFS=, read -ra ids <<<"$devices"
for id in "${ids[@]}"; do
  CUDA_VISIBLE_DEVICES=$id node /app/dist/cli/main.js worker --role gpu --slots 1 \
    --alive-file "/tmp/sfe-alive-gpu$id" "$@" &
  pids+=($!)
done
echo "[gpu-workers] ${#pids[@]} worker(s), GPU(s) $devices" >&2
trap 'kill -TERM "${pids[@]}" 2>/dev/null || true' TERM INT
status=0
for pid in "${pids[@]}"; do
  # wait returns early when the trap runs: wait again until this worker has really ended.
  while ! wait "$pid"; do
    code=$?
    kill -0 "$pid" 2>/dev/null || { status=$code; break; }
  done
done
exit "$status"
