import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from '../training/batch-norm-layer.js';
import type { GanOptions } from './gan-options.js';

/**
 * A PG or NG generator (SPEC §2.3): Dense → LeakyReLU → BatchNorm per hidden width, then
 * Dense d tanh, then Dense d linear. Layer names are fixed so checkpoint keys are stable.
 */
export function buildGenerator(
  d: number,
  options: Pick<GanOptions, 'hidden' | 'leakyAlpha' | 'bnMomentum'>,
): tf.Sequential {
  const model = tf.sequential();
  options.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        name: `dense_${i + 1}`,
        ...(i === 0 ? { inputShape: [d] } : {}),
      }),
    );
    model.add(tf.layers.leakyReLU({ alpha: options.leakyAlpha, name: `leaky_${i + 1}` }));
    model.add(batchNormalization({ momentum: options.bnMomentum, name: `bn_${i + 1}` }));
  });
  model.add(tf.layers.dense({ units: d, activation: 'tanh', name: 'dense_tanh' }));
  model.add(tf.layers.dense({ units: d, name: 'dense_out' }));
  return model;
}
