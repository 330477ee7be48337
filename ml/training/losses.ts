import * as tf from '@tensorflow/tfjs';

// Keras clips probabilities by its backend epsilon before taking logs.
const EPSILON = 1e-7;

/** Mean binary cross-entropy of probabilities `p` against a constant label (Keras semantics). */
export function bceToConstant(p: tf.Tensor, label: 0 | 1): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(p, EPSILON, 1 - EPSILON);
    const logs = label === 1 ? tf.log(clipped) : tf.log(tf.sub(1, clipped));
    return tf.neg(tf.mean(logs)) as tf.Scalar;
  });
}

/** Mean squared error over every element. */
export function mse(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(a, b)) as tf.Scalar);
}
