import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from '../training/batch-norm-layer.js';
import type { AdvdOptions } from './advd-options.js';
import { SeededDropout, type DropoutSeeds } from './seeded-dropout.js';

/**
 * The AdvD network (SPEC §2.4): per width Dense ReLU → BatchNorm → Dropout, then Dense 1
 * sigmoid. Training needs `dropoutSeeds`, which the dropout layers draw their masks from.
 */
export function buildAdvdModel(
  inputDim: number,
  options: Pick<AdvdOptions, 'hidden' | 'dropout'>,
  dropoutSeeds?: DropoutSeeds,
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
    model.add(batchNormalization({ name: `bn_${i + 1}` }));
    model.add(
      new SeededDropout({
        rate: options.dropout[i]!,
        name: `dropout_${i + 1}`,
        seeds: dropoutSeeds,
      }),
    );
  });
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'dense_out' }));
  return model;
}
