import * as tf from '@tensorflow/tfjs';

export interface SmallCnnOptions {
  inputSize?: number;
  numClasses: number;
  /** Seeds every kernel initialiser, so two models built with the same seed are identical. */
  seed: number;
  /** Filters of each conv block; each block halves the spatial size except the last. */
  filters?: readonly number[];
  /**
   * Width of a colour path beside the conv blocks (0: none). With one, the conv blocks see the
   * image in grey only, and the colour path (a 1×1 conv of the downsampled colour image) is
   * concatenated to their output before pooling: the features then hold a shape part and a
   * colour part, and the head weighs the two.
   */
  colourFilters?: number;
  /** With a colour path: the fixed factor on the shape features before they meet the colour's
   * (below 1, the head hears the colour louder). */
  shapeGain?: number;
}

/** Name of the last conv layer's activation: the Grad-CAM layer of the small CNN. */
export const SMALL_CNN_LAST_CONV = 'last_conv';

/** The small CNN, and with a colour path, the grey shape path as a classifier of its own. */
export interface SmallCnn {
  model: tf.LayersModel;
  /** input → grey conv blocks → pooling → its own softmax: trained first, then frozen. */
  shapeClassifier?: tf.LayersModel;
  /** Layers of the shape path (frozen while the colour path and the head train). */
  shapeLayers: tf.layers.Layer[];
}

/** ITU-R BT.601 luma weights: the grey image the shape path sees. */
const LUMA = [0.299, 0.587, 0.114];

/**
 * A small target model for fast tests and the demo, shaped like the Keras classifiers it stands in
 * for: conv blocks → `avg_pool` (GlobalAveragePooling2D, the feature layer) → `predictions`.
 */
export function buildSmallCnn(options: SmallCnnOptions): tf.LayersModel {
  return buildSmallCnnParts(options).model;
}

export function buildSmallCnnParts(options: SmallCnnOptions): SmallCnn {
  const size = options.inputSize ?? 64;
  const filters = options.filters ?? [16, 32, 64];
  const colourFilters = options.colourFilters ?? 0;
  let seed = options.seed;
  const kernelInitializer = (): ReturnType<typeof tf.initializers.heNormal> =>
    tf.initializers.heNormal({ seed: seed++ });
  const softmax = (name: string) =>
    tf.layers.dense({
      units: options.numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
      name,
    });

  const input = tf.input({ shape: [size, size, 3], name: 'input' });
  const shapeLayers: tf.layers.Layer[] = [];
  let x: tf.SymbolicTensor = input;
  if (colourFilters > 0) {
    const grey = tf.layers.conv2d({
      filters: 1,
      kernelSize: 1,
      useBias: false,
      trainable: false,
      weights: [tf.tensor4d(LUMA, [1, 1, 3, 1])],
      name: 'grey',
    });
    x = grey.apply(x) as tf.SymbolicTensor;
  }
  filters.forEach((f, i) => {
    const last = i === filters.length - 1;
    const conv = tf.layers.conv2d({
      filters: f,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: kernelInitializer(),
      name: last && colourFilters === 0 ? SMALL_CNN_LAST_CONV : `conv${i + 1}`,
    });
    shapeLayers.push(conv);
    x = conv.apply(x) as tf.SymbolicTensor;
    if (!last) {
      x = tf.layers
        .maxPooling2d({ poolSize: 2, strides: 2, name: `pool${i + 1}` })
        .apply(x) as tf.SymbolicTensor;
    }
  });
  let shapeClassifier: tf.LayersModel | undefined;
  if (colourFilters > 0) {
    const shapeOut = softmax('shape_predictions').apply(
      tf.layers.globalAveragePooling2d({ name: 'shape_pool' }).apply(x),
    ) as tf.SymbolicTensor;
    shapeClassifier = tf.model({ inputs: input, outputs: shapeOut, name: 'small_cnn_shape' });
    const factor = 2 ** (filters.length - 1);
    const colour = tf.layers
      .conv2d({
        filters: colourFilters,
        kernelSize: 1,
        activation: 'relu',
        kernelInitializer: kernelInitializer(),
        name: 'colour_conv',
      })
      .apply(
        tf.layers
          .averagePooling2d({ poolSize: factor, strides: factor, name: 'colour_pool' })
          .apply(input),
      ) as tf.SymbolicTensor;
    const shapeGain = options.shapeGain ?? 1;
    const shapeFeatures =
      shapeGain === 1
        ? x
        : (tf.layers
            .rescaling({ scale: shapeGain, name: 'shape_gain' })
            .apply(x) as tf.SymbolicTensor);
    x = tf.layers
      .concatenate({ axis: -1, name: SMALL_CNN_LAST_CONV })
      .apply([shapeFeatures, colour]) as tf.SymbolicTensor;
  }
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  const output = softmax('predictions').apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: 'small_cnn' });
  return { model, ...(shapeClassifier ? { shapeClassifier } : {}), shapeLayers };
}
