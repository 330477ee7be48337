import * as tf from '@tensorflow/tfjs';
import { NativeKernels } from './native-kernels.js';

export interface BatchNormArgs {
  name: string;
  momentum?: number;
  epsilon?: number;
}

const DEFAULTS = { momentum: 0.99, epsilon: 1e-3 };

/**
 * BatchNormalization of Dense activations (rank 2, over the batch) whose training step runs as
 * TensorFlow's fused kernels on tfjs-node: `FusedBatchNormV3` forward and `FusedBatchNormGradV3`
 * backward, 2 native ops where tfjs's moments, normalisation and their gradients take about 30.
 * Weights, their names and order, inference and the moving-statistics update are those of
 * tfjs-layers' BatchNormalization (biased batch variance), so checkpoints and results carry over
 * within the conformance tolerance.
 */
class NativeBatchNormalization extends tf.layers.Layer {
  /** Serialised, it reads as (and reloads into) tfjs-layers' own BatchNormalization. */
  static readonly className = 'BatchNormalization';
  private readonly momentum: number;
  private readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;

  constructor(
    args: BatchNormArgs,
    private readonly ops: NativeKernels,
  ) {
    super({ name: args.name });
    this.momentum = args.momentum ?? DEFAULTS.momentum;
    this.epsilon = args.epsilon ?? DEFAULTS.epsilon;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    if (shape.length !== 2 || shape[1] == null) {
      throw new Error(`${this.name}: expects [batch, units] inputs, got ${JSON.stringify(shape)}`);
    }
    const units = [shape[1]];
    const ones = tf.initializers.ones();
    const zeros = tf.initializers.zeros();
    this.gamma = this.addWeight('gamma', units, 'float32', ones);
    this.beta = this.addWeight('beta', units, 'float32', zeros);
    this.movingMean = this.addWeight('moving_mean', units, 'float32', zeros, undefined, false);
    this.movingVariance = this.addWeight(
      'moving_variance',
      units,
      'float32',
      ones,
      undefined,
      false,
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const [gamma, beta] = [this.gamma.read(), this.beta.read()];
    if (kwargs['training'] !== true) {
      return tf.batchNorm(
        x,
        this.movingMean.read(),
        this.movingVariance.read(),
        beta,
        gamma,
        this.epsilon,
      );
    }
    const ops = this.ops;
    const epsilon = this.epsilon;
    const [n, units] = x.shape as [number, number];
    let batchMean: tf.Tensor | undefined;
    let batchVariance: tf.Tensor | undefined;
    const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [input, scale, offset, save] = args as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.GradSaveFunc,
      ];
      const x4 = tf.reshape(input, [n, 1, 1, units]);
      const out = ops.fusedBatchNormTraining(x4, scale, offset, epsilon);
      // The kernel's scope frees everything but its value; the statistics are needed after it.
      batchMean = tf.keep(out.mean);
      batchVariance = tf.keep(out.variance);
      save([x4, scale, ...out.reserve]);
      return {
        value: tf.reshape(out.y, [n, units]),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [savedX, savedScale, ...reserve] = saved;
          const g = ops.fusedBatchNormGrad(
            tf.reshape(dy as tf.Tensor, [n, 1, 1, units]),
            savedX!,
            savedScale!,
            reserve,
            epsilon,
          );
          return [tf.reshape(g.dx, [n, units]), g.dScale, g.dOffset];
        },
      };
    });
    const y = normalize(x, gamma, beta);
    // TensorFlow reports the Bessel-corrected variance; tfjs-layers averages the biased one.
    const biased = tf.mul(batchVariance!, n > 1 ? (n - 1) / n : 1);
    this.updateMovingAverage(this.movingMean, batchMean!);
    this.updateMovingAverage(this.movingVariance, biased);
    tf.dispose([batchMean!, batchVariance!, biased]);
    return y;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own = {
      axis: -1,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: true,
      scale: true,
    };
    return { ...super.getConfig(), ...own };
  }

  /** As tfjs-layers: moving ← moving − (moving − batch)·(1 − momentum). */
  private updateMovingAverage(variable: tf.LayerVariable, value: tf.Tensor): void {
    tf.tidy(() => {
      const current = variable.read();
      variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - this.momentum)));
    });
  }
}

/**
 * A BatchNormalization layer for Dense activations: TensorFlow's fused kernels on tfjs-node, tfjs-
 * layers' own elsewhere (the same weights, names and arithmetic).
 */
export function batchNormalization(args: BatchNormArgs): tf.layers.Layer {
  const native = NativeKernels.ofActiveBackend();
  if (native) return new NativeBatchNormalization(args, native);
  return tf.layers.batchNormalization({
    name: args.name,
    momentum: args.momentum ?? DEFAULTS.momentum,
    epsilon: args.epsilon ?? DEFAULTS.epsilon,
  });
}
