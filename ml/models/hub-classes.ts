import * as tf from '@tensorflow/tfjs';

/**
 * TF Hub ImageNet classifiers emit 1001 scores whose index 0 is "background"; dropping it leaves
 * the 1000 classes in the standard (sorted wnid) order. Scores already 1000 wide pass through.
 */
export function dropBackgroundClass(scores: tf.Tensor2D, numClasses = 1000): tf.Tensor2D {
  const width = scores.shape[1];
  if (width === numClasses) return scores;
  if (width === numClasses + 1) return scores.slice([0, 1], [-1, numClasses]);
  throw new Error(
    `expected ${numClasses} class scores, or ${numClasses + 1} with a background class first; found ${width}`,
  );
}

/** Runs a TF Hub–style graph classifier and returns [B, numClasses] logits in ImageNet order. */
export function predictHubClassifier(
  model: tf.GraphModel,
  images: tf.Tensor,
  numClasses = 1000,
): tf.Tensor2D {
  return tf.tidy(() => {
    const out = model.predict(images);
    if (!(out instanceof tf.Tensor)) {
      throw new Error('graph classifier returned several outputs; expected one score tensor');
    }
    return dropBackgroundClass(out.reshape([out.shape[0]!, -1]) as tf.Tensor2D, numClasses);
  });
}
