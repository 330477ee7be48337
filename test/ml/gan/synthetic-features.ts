import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../ml/rng.js';

export interface SyntheticPairs {
  benign: tf.Tensor2D;
  adversarial: tf.Tensor2D;
}

/**
 * Paired features standing in for f(benign) and f(adversarial): benign = a class prototype plus
 * noise; adversarial = its benign partner plus one "trivial" shift shared by every pair.
 */
export function syntheticPairs(
  seed: number,
  {
    pairs,
    dim,
    classes = 4,
    noise = 0.1,
    shift = 0.5,
  }: { pairs: number; dim: number; classes?: number; noise?: number; shift?: number },
): SyntheticPairs {
  const rng = Rng.fromSeed(seed);
  const prototypes = Array.from({ length: classes }, () => rng.fill(dim, () => rng.normal(0, 0.5)));
  const trivial = rng.fill(dim, () => rng.normal(0, shift));
  const benign = new Float32Array(pairs * dim);
  const adversarial = new Float32Array(pairs * dim);
  for (let i = 0; i < pairs; i++) {
    const prototype = prototypes[i % classes]!;
    for (let j = 0; j < dim; j++) {
      const b = prototype[j]! + rng.normal(0, noise);
      benign[i * dim + j] = b;
      adversarial[i * dim + j] = b + trivial[j]!;
    }
  }
  return {
    benign: tf.tensor2d(benign, [pairs, dim]),
    adversarial: tf.tensor2d(adversarial, [pairs, dim]),
  };
}
