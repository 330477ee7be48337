import * as tf from '@tensorflow/tfjs';

export interface SmallCnnOptions {
  inputSize?: number;
  numClasses: number;
  /** Seeds every kernel initialiser, so two models built with the same seed are identical. */
  seed: number;
  /** Filters of each conv block; each block halves the spatial size except the last. */
  filters?: readonly number[];
}

/** Name of the last conv layer's activation: the Grad-CAM layer of the small CNN. */
export const SMALL_CNN_LAST_CONV = 'last_conv';

/**
 * A small target model for fast tests and the demo, shaped like the Keras classifiers it stands in
 * for: conv blocks → `avg_pool` (GlobalAveragePooling2D, the feature layer) → `predictions`.
 */
export function buildSmallCnn(options: SmallCnnOptions): tf.LayersModel {
  const size = options.inputSize ?? 64;
  const filters = options.filters ?? [16, 32, 64];
  let seed = options.seed;
  const kernelInitializer = (): ReturnType<typeof tf.initializers.heNormal> =>
    tf.initializers.heNormal({ seed: seed++ });

  const input = tf.input({ shape: [size, size, 3], name: 'input' });
  let x: tf.SymbolicTensor = input;
  filters.forEach((f, i) => {
    const last = i === filters.length - 1;
    x = tf.layers
      .conv2d({
        filters: f,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: kernelInitializer(),
        name: last ? SMALL_CNN_LAST_CONV : `conv${i + 1}`,
      })
      .apply(x) as tf.SymbolicTensor;
    if (!last) {
      x = tf.layers
        .maxPooling2d({ poolSize: 2, strides: 2, name: `pool${i + 1}` })
        .apply(x) as tf.SymbolicTensor;
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: options.numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
      name: 'predictions',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'small_cnn' });
}
