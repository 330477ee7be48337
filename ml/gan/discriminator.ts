import * as tf from '@tensorflow/tfjs';
import type { GanOptions } from './gan-options.js';

/** The SFE discriminator (SPEC §2.3): Dense → LeakyReLU per hidden width, then Dense 1 sigmoid. */
export function buildDiscriminator(
  d: number,
  options: Pick<GanOptions, 'discriminatorHidden' | 'leakyAlpha'>,
): tf.Sequential {
  const model = tf.sequential();
  options.discriminatorHidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        name: `dense_${i + 1}`,
        ...(i === 0 ? { inputShape: [d] } : {}),
      }),
    );
    model.add(tf.layers.leakyReLU({ alpha: options.leakyAlpha, name: `leaky_${i + 1}` }));
  });
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'dense_out' }));
  return model;
}
