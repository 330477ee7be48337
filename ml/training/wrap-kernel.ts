import * as tf from '@tensorflow/tfjs';

const wrapped = new Set<string>();

/**
 * Re-registers `kernelName` on `backendName` with `wrap(original)` as its function, once per
 * process (later calls are no-ops), and not at all while the backend has no such kernel (its
 * package was never imported). For kernels a backend runs slower than it could.
 */
export function wrapKernel(
  kernelName: string,
  backendName: string,
  wrap: (original: tf.KernelFunc) => tf.KernelFunc,
): void {
  const key = `${backendName}/${kernelName}`;
  if (wrapped.has(key)) return;
  const original = tf.getKernel(kernelName, backendName);
  if (!original) return;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
  wrapped.add(key);
}
