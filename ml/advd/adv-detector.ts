import * as tf from '@tensorflow/tfjs';
import type { Standardizer } from './standardizer.js';

/** A trained AdvD: standardisation with the training statistics, then the network. */
export class AdvDetector {
  constructor(
    readonly model: tf.LayersModel,
    readonly standardizer: Standardizer,
  ) {}

  get inputDim(): number {
    return this.standardizer.mean.shape[0];
  }

  /** Adversarial scores in [0, 1] (1 = adversarial) for raw [PG ‖ NG] inputs [N, 2d]. */
  async predict(x: tf.Tensor2D, batchSize = 256): Promise<Float32Array> {
    const scores = tf.tidy(
      () => this.model.predict(this.standardizer.apply(x), { batchSize }) as tf.Tensor,
    );
    try {
      return (await scores.data()) as Float32Array;
    } finally {
      scores.dispose();
    }
  }

  dispose(): void {
    // Compiled for training, the model holds optimizer slots that its dispose() leaves alone.
    this.model.optimizer?.dispose();
    this.model.dispose();
    this.standardizer.dispose();
  }
}
