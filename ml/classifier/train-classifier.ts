import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';
import { yieldToEventLoop } from '../training/yield.js';

export interface ClassifierTrainingOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Applied to each epoch's shuffled images (label-preserving augmentation), drawing from `rng`. */
  augment?: (images: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
  onEpoch?: (epoch: number, loss: number, accuracy: number) => void;
}

export interface ClassifierHistory {
  loss: number[];
  accuracy: number[];
}

/**
 * Trains a softmax classifier on images in memory. The batch order of every epoch is a
 * permutation drawn from our seeded RNG (tfjs's own shuffle is not seeded), so a training is
 * a pure function of its inputs and seed on a deterministic backend.
 */
export async function trainClassifier(
  model: tf.LayersModel,
  images: tf.Tensor4D,
  labels: Int32Array,
  options: ClassifierTrainingOptions,
): Promise<ClassifierHistory> {
  const classes = model.outputs[0]!.shape[1]!;
  model.compile({
    optimizer: tf.train.adam(options.learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat());
  const rng = Rng.fromSeed(options.seed);
  const history: ClassifierHistory = { loss: [], accuracy: [] };
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = tf.tensor1d(rng.permutation(labels.length), 'int32');
      const shuffled = tf.gather(images, order);
      const x = options.augment ? tf.tidy(() => options.augment!(shuffled, rng)) : shuffled;
      const y = tf.gather(oneHot, order);
      if (x !== shuffled) shuffled.dispose();
      const result = await model.fit(x, y, {
        epochs: 1,
        batchSize: options.batchSize,
        shuffle: false,
        verbose: 0,
      });
      tf.dispose([order, x, y]);
      const loss = Number(result.history.loss![0]);
      const accuracy = Number((result.history.acc ?? result.history.accuracy)![0]);
      history.loss.push(loss);
      history.accuracy.push(accuracy);
      options.onEpoch?.(epoch + 1, loss, accuracy);
      await yieldToEventLoop();
    }
  } finally {
    oneHot.dispose();
  }
  return history;
}
