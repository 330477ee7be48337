import * as tf from '@tensorflow/tfjs';
import type { ImagePipelineOptions } from '../images/image-options.js';
import { loadImageBatch } from '../images/load-image-batch.js';

export interface ClassScores {
  /** Scores before the classes proper (TF Hub classifiers lead with "background"). */
  labelOffset: number;
  /** How many classes follow the offset. */
  classes: number;
}

/**
 * The top-1 class of each encoded image under a classifier whose output is `[B, offset +
 * classes]` scores (logits or probabilities: the argmax is the same). An image that cannot be
 * decoded is an error here: callers pass images they have already validated.
 */
export async function topClasses(
  model: tf.LayersModel,
  images: readonly Uint8Array[],
  pipeline: ImagePipelineOptions,
  scores: ClassScores,
): Promise<number[]> {
  const sources = images.map((_, i) => ({ id: String(i), uri: String(i) }));
  const batch = await loadImageBatch(sources, pipeline, async (uri) => images[Number(uri)]!);
  if (batch.images === undefined || batch.failures.length > 0) {
    const failure = batch.failures[0];
    throw new Error(
      `cannot classify image ${failure?.id ?? '?'}: ${failure?.reason ?? 'no image'}`,
    );
  }
  const input = batch.images;
  const top = tf.tidy(() => {
    const out = model.predict(input) as tf.Tensor2D;
    if (out.shape[1] < scores.labelOffset + scores.classes) {
      throw new Error(
        `the model outputs ${out.shape[1]} scores, fewer than label offset ${scores.labelOffset} + ${scores.classes} classes`,
      );
    }
    return out.slice([0, scores.labelOffset], [-1, scores.classes]).argMax(1);
  });
  input.dispose();
  const indices = Array.from(await top.data());
  top.dispose();
  return indices;
}
