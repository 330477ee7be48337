import * as tf from '@tensorflow/tfjs';

/** Kernels that training a convolutional network needs beyond inference. */
const CONV_TRAINING_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad'];

/**
 * Runs `fn` on a backend that can train convolutions: the active one if it has the gradient
 * kernels, else the pure-JS cpu backend (the wasm backend ships inference kernels only).
 * Tensors made inside belong to that backend; return plain data or artifacts, not tensors.
 */
export async function withConvTrainingBackend<T>(fn: () => Promise<T>): Promise<T> {
  const active = tf.getBackend();
  if (CONV_TRAINING_KERNELS.every((kernel) => tf.getKernel(kernel, active) !== undefined))
    return fn();
  await tf.setBackend('cpu');
  try {
    return await fn();
  } finally {
    await tf.setBackend(active);
  }
}
