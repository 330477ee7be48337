#!/usr/bin/env bash
# GPU check for a Linux NVIDIA machine with CUDA 12 drivers (a few minutes, most of it the one-time
# install): installs the GPU variant (tfjs-node-gpu against tensorflow[and-cuda] 2.16.2, CUDA
# libraries from the nvidia-*-cu12 pip packages), shows that TensorFlow places ops on the GPU, and
# prints InceptionV3 avg_pool images/s, the features stage end to end (JPEG files → features) and
# SFE GAN iterations/s beside Keras on the same GPU. Ours runs InceptionV3 and each GAN iteration
# as TensorFlow graphs there too (ml/graph, ml/gan/gan-step-graph.ts), placed by TensorFlow.
#
#   bash infra/native/gpu-check.sh        # from the repo root, after npm ci and npm run build
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
command -v nvidia-smi >/dev/null || { echo "[gpu-check] no nvidia-smi: not an NVIDIA machine" >&2; exit 1; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv

bash infra/native/install-tfjs-node.sh gpu
[[ -d node_modules/@tensorflow/tfjs-node-gpu/lib ]] || { echo "[gpu-check] the GPU variant did not install (see above)" >&2; exit 1; }
[[ -f dist/bench/main.js ]] || npm run build

export TF_FORCE_GPU_ALLOW_GROWTH=true
echo "[gpu-check] device placement of a matmul (TensorFlow's own log):"
TF_CPP_MIN_LOG_LEVEL=0 node --input-type=module -e "
  const tf = await import('@tensorflow/tfjs');
  const { selectBackend } = await import('./dist/ml/backend.js');
  const choice = await selectBackend('tensorflow-gpu');
  const a = tf.randomNormal([4096, 4096]);
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) tf.matMul(a, a).dataSync();
  const s = (performance.now() - t0) / 1000;
  console.log('[gpu-check] ' + JSON.stringify(choice.info));
  console.log('[gpu-check] 10 matmuls 4096² in ' + s.toFixed(2) + ' s = ' + (10 * 2 * 4096 ** 3 / s / 1e12).toFixed(1) + ' TFLOP/s');
  if (!choice.info.devices.some((d) => d.startsWith('GPU'))) process.exit(1);
" 2>&1 | grep -E 'gpu-check|Created device|device:GPU|error|Error' || true

echo "[gpu-check] ours vs Keras on the same GPU:"
SFE_BENCH_NATIVE=tensorflow-gpu SFE_BENCH_ROUNDS=${SFE_BENCH_ROUNDS:-5} node dist/bench/main.js native-vs-keras
