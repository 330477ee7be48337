import * as tf from '@tensorflow/tfjs';
import type { AdvdOptions } from './advd-options.js';

/** The AdvD network (SPEC §2.4): per width Dense ReLU → BatchNorm → Dropout, then Dense 1 sigmoid. */
export function buildAdvdModel(
  inputDim: number,
  options: Pick<AdvdOptions, 'hidden' | 'dropout'>,
): tf.Sequential {
  const model = tf.sequential();
  options.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        name: `dense_${i + 1}`,
        ...(i === 0 ? { inputShape: [inputDim] } : {}),
      }),
    );
    model.add(tf.layers.batchNormalization({ name: `bn_${i + 1}` }));
    // Unseeded on purpose: a seeded tfjs Dropout layer draws the same mask at every step.
    model.add(tf.layers.dropout({ rate: options.dropout[i]!, name: `dropout_${i + 1}` }));
  });
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'dense_out' }));
  return model;
}
