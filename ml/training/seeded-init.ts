import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng.js';

/**
 * Re-initialises every Dense layer of `model` from `rng`: Glorot-uniform kernels (the Keras
 * default) and zero biases. tfjs initializers draw from their own generator, so drawing the
 * values here is what makes an initialisation identical across backends and processes.
 * Other layers (BatchNorm: γ=1, β=0, moving mean 0, variance 1) start deterministic already.
 */
export function initializeDenseLayers(model: tf.LayersModel, rng: Rng): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dense') continue;
    const [kernel, bias] = layer.getWeights();
    if (!kernel) continue;
    const [fanIn = 0, fanOut = 0] = kernel.shape;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const values = rng.fill(fanIn * fanOut, () => rng.uniformIn(-limit, limit));
    const fresh = [tf.tensor(values, kernel.shape)];
    if (bias) fresh.push(tf.zeros(bias.shape));
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}
