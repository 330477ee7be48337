import * as tf from '@tensorflow/tfjs';
import type { FeatureMap } from '../gan/gan-trainer.js';

/** The AdvD input [PG(f(x)) ‖ NG(f(x))], [N, 2d]; the caller owns the result. */
export function advdInput(pg: FeatureMap, ng: FeatureMap, features: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.concat2d([pg(features), ng(features)], 1));
}
