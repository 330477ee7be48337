import * as tf from '@tensorflow/tfjs';
import { splitModel } from '../models/split-model.js';

/** A defense applied to pooled features, e.g. the trained PG generator. */
export type FeatureDefense = (features: tf.Tensor2D) => tf.Tensor2D;

export interface GradCamModel {
  /** input → the last convolutional layer's activations [B, h, w, c]. */
  conv: tf.LayersModel;
  /** pooled features [B, c] → class probabilities. */
  head: tf.LayersModel;
}

export interface GradCamMap {
  /** [h, w] row-major, normalised to [0, 1] (all zeros when nothing drives the class). */
  heatmap: Float32Array;
  height: number;
  width: number;
  classIndex: number;
  /** The class score the map explains, head(…)[classIndex]. */
  score: number;
}

/**
 * Grad-CAM needs the feature layer to be the global average pooling of the last conv layer,
 * so that `head(GAP(conv))` is exactly the model (InceptionV3: mixed10 → avg_pool).
 */
export function buildGradCamModel(
  model: tf.LayersModel,
  convLayerName: string,
  featureLayerName: string,
): GradCamModel {
  const pool = model.getLayer(featureLayerName);
  const inbound = pool.inboundNodes[0]?.inboundLayers.map((l) => l.name) ?? [];
  if (pool.getClassName() !== 'GlobalAveragePooling2D' || inbound[0] !== convLayerName) {
    throw new Error(
      `Grad-CAM needs ${featureLayerName} to be GlobalAveragePooling2D of ${convLayerName}; it is ${pool.getClassName()} of ${inbound.join(', ') || 'nothing'}`,
    );
  }
  const convOutput = model.getLayer(convLayerName).output as tf.SymbolicTensor;
  const conv = tf.model({ inputs: model.inputs, outputs: convOutput, name: `${model.name}_conv` });
  return { conv, head: splitModel(model, featureLayerName).head };
}

/**
 * Grad-CAM (Selvaraju et al.) of each image for `classIndices` (default: each image's predicted
 * class), explaining the class score of `head(GAP(conv))`, or with a defense
 * `head(defense(GAP(conv)))`: channel weights are the spatially averaged gradients of the score,
 * the map is ReLU(Σ_k w_k A_k) scaled to [0, 1] per image.
 */
export function gradCam(
  model: GradCamModel,
  images: tf.Tensor4D,
  options: { classIndices?: readonly number[]; defense?: FeatureDefense } = {},
): GradCamMap[] {
  const { defense } = options;
  const batch = images.shape[0];
  const activations = tf.tidy(() => model.conv.predict(images) as tf.Tensor4D);
  const [, height, width] = activations.shape;
  const probabilities = (a: tf.Tensor4D): tf.Tensor2D => {
    const pooled = a.mean([1, 2]) as tf.Tensor2D;
    return model.head.apply(defense ? defense(pooled) : pooled) as tf.Tensor2D;
  };
  try {
    const scores = tf.tidy(() => probabilities(activations).arraySync());
    const classIndices = options.classIndices ?? scores.map((row) => row.indexOf(Math.max(...row)));
    if (classIndices.length !== batch) {
      throw new Error(`${classIndices.length} class indices for ${batch} images`);
    }
    const maps = tf.tidy(() => {
      const oneHot = tf.oneHot(tf.tensor1d([...classIndices], 'int32'), scores[0]!.length);
      // Images are independent, so the gradient of the summed scores is each image's own.
      const grads = tf.grad((a) =>
        probabilities(a as tf.Tensor4D)
          .mul(oneHot)
          .sum(),
      )(activations);
      const weights = grads.mean([1, 2], true);
      const cam = activations.mul(weights).sum(3).relu() as tf.Tensor3D;
      const max = cam.max([1, 2], true);
      return (cam.div(tf.where(max.greater(0), max, tf.onesLike(max))) as tf.Tensor3D).arraySync();
    });
    return maps.map((rows, b) => ({
      heatmap: Float32Array.from(rows.flat()),
      height,
      width,
      classIndex: classIndices[b]!,
      score: scores[b]![classIndices[b]!]!,
    }));
  } finally {
    activations.dispose();
  }
}
