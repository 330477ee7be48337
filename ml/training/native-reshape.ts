import * as tf from '@tensorflow/tfjs';
import { wrapKernel } from './wrap-kernel.js';

/**
 * tfjs's gradients reshape every result to its input's shape (`reshape(dy, x.shape)`) whether or
 * not the shape changes; on the pure-JS and wasm backends that is free, but tfjs-node runs each as
 * a TensorFlow op plus a shape tensor made and freed: three native calls, some 300 per GAN step.
 * This re-registers tfjs-node's Reshape kernel to hand back the same data (one more reference,
 * as tfjs's own backends do) when the shape is unchanged, and to run TensorFlow's op otherwise.
 * Idempotent; a no-op when tfjs-node was never imported.
 */
export function useAliasingNativeReshape(): void {
  wrapKernel('Reshape', 'tensorflow', (original) => (args) => {
    const x = args.inputs.x!;
    const shape = tf.util.inferFromImplicitShape(
      args.attrs!.shape as number[],
      tf.util.sizeFromShape(x.shape),
    );
    if (!tf.util.arraysEqual(shape, x.shape)) return original(args);
    (args.backend as tf.KernelBackend & { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape, dtype: x.dtype };
  });
}
