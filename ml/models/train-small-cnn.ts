import type * as tf from '@tensorflow/tfjs';
import { trainClassifier, type ClassifierHistory } from '../classifier/train-classifier.js';
import { randomDihedral } from '../images/dihedral-augment.js';
import { buildSmallCnnParts } from './small-cnn.js';

export interface SmallCnnTraining {
  filters: readonly number[];
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  colourPath?: { filters: number; shapeEpochs: number; shapeGain: number } | undefined;
}

export interface TrainedSmallCnn {
  model: tf.LayersModel;
  history: ClassifierHistory;
  /** The grey shape path's own training, when the model has a colour path. */
  shape?: ClassifierHistory;
}

/**
 * Trains the small CNN on `images` (preprocessed, [n, size, size, 3]). With a colour path, the
 * grey shape path first learns the classes alone from flipped and turned images, is frozen, and
 * only then do the colour path and the head learn from the images as they are.
 */
export async function trainSmallCnn(
  images: tf.Tensor4D,
  labels: Int32Array,
  numClasses: number,
  training: SmallCnnTraining,
  onEpoch?: (
    phase: 'shape epochs' | 'epochs',
    epoch: number,
    total: number,
    loss: number,
    accuracy: number,
  ) => void,
): Promise<TrainedSmallCnn> {
  const parts = buildSmallCnnParts({
    inputSize: images.shape[1],
    numClasses,
    seed: training.seed,
    filters: training.filters,
    colourFilters: training.colourPath?.filters ?? 0,
    shapeGain: training.colourPath?.shapeGain ?? 1,
  });
  const common = { batchSize: training.batchSize, learningRate: training.lr, seed: training.seed };
  try {
    let shape: ClassifierHistory | undefined;
    if (parts.shapeClassifier && training.colourPath) {
      const epochs = training.colourPath.shapeEpochs;
      shape = await trainClassifier(parts.shapeClassifier, images, labels, {
        ...common,
        epochs,
        augment: randomDihedral,
        onEpoch: (epoch, loss, accuracy) =>
          onEpoch?.('shape epochs', epoch, epochs, loss, accuracy),
      });
      for (const layer of parts.shapeLayers) layer.trainable = false;
    }
    const history = await trainClassifier(parts.model, images, labels, {
      ...common,
      epochs: training.epochs,
      onEpoch: (epoch, loss, accuracy) =>
        onEpoch?.('epochs', epoch, training.epochs, loss, accuracy),
    });
    return { model: parts.model, history, ...(shape ? { shape } : {}) };
  } catch (err) {
    parts.model.dispose();
    throw err;
  } finally {
    // The shape path's own softmax is not part of the model; its other layers are.
    parts.shapeClassifier?.getLayer('shape_predictions').dispose();
  }
}
