import * as tf from '@tensorflow/tfjs';

/** Per-column mean and standard deviation of the training inputs, applied to every input. */
export class Standardizer {
  private constructor(
    readonly mean: tf.Tensor1D,
    readonly std: tf.Tensor1D,
  ) {}

  /** Fits on `x` [N, D]; a constant column gets std 1, so it maps to 0 rather than NaN. */
  static fit(x: tf.Tensor2D): Standardizer {
    const { mean, variance } = tf.moments(x, 0);
    const std = tf.tidy(() => {
      const s = tf.sqrt(variance);
      return tf.where(tf.greater(s, 1e-12), s, tf.onesLike(s)) as tf.Tensor1D;
    });
    variance.dispose();
    return new Standardizer(mean as tf.Tensor1D, std);
  }

  /** From saved statistics; takes ownership of the tensors. */
  static of(mean: tf.Tensor1D, std: tf.Tensor1D): Standardizer {
    if (mean.shape[0] !== std.shape[0]) throw new Error('mean and std sizes differ');
    return new Standardizer(mean, std);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.div(tf.sub(x, this.mean), this.std) as tf.Tensor2D);
  }

  dispose(): void {
    tf.dispose([this.mean, this.std]);
  }
}
