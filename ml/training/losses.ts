import * as tf from '@tensorflow/tfjs';

// Keras clips probabilities by its backend epsilon before taking logs.
export const KERAS_EPSILON = 1e-7;

/** Mean binary cross-entropy of probabilities `p` against a constant label (Keras semantics). */
export function bceToConstant(p: tf.Tensor, label: 0 | 1): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(p, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const logs = label === 1 ? tf.log(clipped) : tf.log(tf.sub(1, clipped));
    return tf.neg(tf.mean(logs)) as tf.Scalar;
  });
}

/** Mean squared error over every element. */
export function mse(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(a, b)) as tf.Scalar);
}

/** Whether a model ends in a softmax (its outputs are probabilities) or gives logits. */
export function endsInSoftmax(model: tf.LayersModel): boolean {
  const last = model.layers.at(-1);
  if (!last) return false;
  return last.getClassName() === 'Softmax' || last.getConfig()['activation'] === 'softmax';
}

/** Mean cross-entropy of [n, k] outputs (probabilities or logits) against label indices. */
export function crossEntropy(
  outputs: tf.Tensor2D,
  labels: tf.Tensor1D,
  probabilities: boolean,
): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, outputs.shape[1]);
    const logProbabilities = probabilities
      ? tf.log(tf.clipByValue(outputs, KERAS_EPSILON, 1 - KERAS_EPSILON))
      : tf.logSoftmax(outputs);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbabilities), 1))) as tf.Scalar;
  });
}
