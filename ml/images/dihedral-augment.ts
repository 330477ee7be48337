import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';

/**
 * Each image turned by a random one of the 8 symmetries of the square (quarter turns, with or
 * without a mirror), drawn from `rng`: labels of randomly rotated objects stay true, while
 * anything tied to the image's orientation (a stripe direction) stops predicting them.
 */
export function randomDihedral(images: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  const n = images.shape[0];
  const picks = Int32Array.from({ length: n }, () => rng.int(8));
  return tf.tidy(() => {
    const transposed = images.transpose([0, 2, 1, 3]) as tf.Tensor4D;
    const variants: tf.Tensor4D[] = [];
    for (const base of [images, transposed]) {
      variants.push(base, base.reverse(1), base.reverse(2), base.reverse([1, 2]));
    }
    const stacked = tf.concat(variants);
    const index = tf.tensor1d(
      Int32Array.from(picks, (t, i) => t * n + i),
      'int32',
    );
    return tf.gather(stacked, index) as tf.Tensor4D;
  });
}
