import * as tf from '@tensorflow/tfjs';
import { wrapKernel } from './wrap-kernel.js';

/**
 * tfjs-backend-wasm 4.22 multiplies with `transposeA` some 25–50× slower than it transposes A
 * and multiplies plainly (1.2–1.6 s against 30–50 ms for 2048×64 · 64×2048 here). Every Dense
 * layer's kernel gradient is such a product, so GAN training on wasm spent most of its time
 * there (8 s per iteration at d = 2048, against 1.9 s with this). This re-registers the wasm
 * BatchMatMul kernel to transpose A first. The sums run in a fixed order, so runs stay
 * deterministic. Idempotent; a no-op when the wasm backend was never imported.
 */
export function useFastWasmTransposedMatMul(): void {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  wrapKernel('BatchMatMul', 'wasm', (original) => (args) => {
    if (!args.attrs?.transposeA) return original(args);
    const a = args.inputs.a!;
    const perm = a.shape.map((_, i) => i);
    perm.splice(-2, 2, a.shape.length - 1, a.shape.length - 2);
    const aT = transpose.kernelFunc({
      ...args,
      inputs: { x: a },
      attrs: { perm },
    }) as tf.TensorInfo;
    try {
      return original({
        ...args,
        inputs: { ...args.inputs, a: aT },
        attrs: { ...args.attrs, transposeA: false },
      });
    } finally {
      (args.backend as tf.KernelBackend).disposeData(aT.dataId);
    }
  });
}
