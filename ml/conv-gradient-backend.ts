import * as tf from '@tensorflow/tfjs';

/** Kernels that gradients through convolutions need beyond inference. */
const CONV_GRADIENT_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad'];

/** Whether `backend` has the kernels that gradients through convolutions need. */
export function hasConvGradients(backend: string): boolean {
  return CONV_GRADIENT_KERNELS.every((kernel) => tf.getKernel(kernel, backend) !== undefined);
}

/**
 * Runs `fn` on a backend with gradients through convolutions (training a CNN, Grad-CAM through a
 * convolutional head): the active one if it has the kernels (the native backends do), else the
 * pure-JS cpu backend (the wasm backend ships inference kernels only).
 * Tensors made inside belong to that backend; return plain data or artifacts, not tensors.
 */
export async function withConvGradientBackend<T>(fn: () => Promise<T>): Promise<T> {
  const active = tf.getBackend();
  if (hasConvGradients(active)) return fn();
  await tf.setBackend('cpu');
  try {
    return await fn();
  } finally {
    await tf.setBackend(active);
  }
}
