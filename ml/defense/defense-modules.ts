import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from '../training/batch-norm-layer.js';
import { SeededDropout, type DropoutSeeds } from '../advd/seeded-dropout.js';

const LEAKY_ALPHA = 0.2;

/**
 * The follow-up work's autoencoder: Dense 1024 → LeakyReLU → BatchNorm → Dropout 0.3 → Dense 128
 * bottleneck → LeakyReLU → Dense 1024 → LeakyReLU → BatchNorm → Dense d linear. Layer names are
 * fixed so checkpoint keys are stable.
 */
export function buildAutoencoder(d: number, seeds?: DropoutSeeds): tf.Sequential {
  const model = tf.sequential({ name: 'autoencoder' });
  model.add(tf.layers.dense({ units: 1024, inputShape: [d], name: 'enc_dense' }));
  model.add(tf.layers.leakyReLU({ alpha: LEAKY_ALPHA, name: 'enc_leaky' }));
  model.add(batchNormalization({ name: 'enc_bn' }));
  model.add(new SeededDropout({ rate: 0.3, name: 'enc_dropout', ...(seeds ? { seeds } : {}) }));
  model.add(tf.layers.dense({ units: 128, name: 'bottleneck' }));
  model.add(tf.layers.leakyReLU({ alpha: LEAKY_ALPHA, name: 'bottleneck_leaky' }));
  model.add(tf.layers.dense({ units: 1024, name: 'dec_dense' }));
  model.add(tf.layers.leakyReLU({ alpha: LEAKY_ALPHA, name: 'dec_leaky' }));
  model.add(batchNormalization({ name: 'dec_bn' }));
  model.add(tf.layers.dense({ units: d, name: 'dense_out' }));
  return model;
}

/** The follow-up work's one-layer module: Dense d → LeakyReLU 0.2 → BatchNorm (momentum 0.8). */
export function buildOneLayer(d: number): tf.Sequential {
  const model = tf.sequential({ name: 'one_layer' });
  model.add(tf.layers.dense({ units: d, inputShape: [d], name: 'dense' }));
  model.add(tf.layers.leakyReLU({ alpha: LEAKY_ALPHA, name: 'leaky' }));
  model.add(batchNormalization({ momentum: 0.8, name: 'bn' }));
  return model;
}

/** A module the follow-up work trains from scratch, by its config name (seeds: to train it). */
export function buildFreshModule(
  kind: 'autoencoder' | 'one-layer',
  d: number,
  seeds?: DropoutSeeds,
): tf.Sequential {
  return kind === 'autoencoder' ? buildAutoencoder(d, seeds) : buildOneLayer(d);
}
