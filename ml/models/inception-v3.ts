import * as tf from '@tensorflow/tfjs';

/** Keras InceptionV3's input side, feature layer and its last convolutional block. */
export const INCEPTION_V3_INPUT_SIZE = 299;
export const INCEPTION_V3_FEATURE_LAYER = 'avg_pool';
export const INCEPTION_V3_LAST_CONV = 'mixed10';

type Padding = 'same' | 'valid';

/**
 * Keras names unnamed layers `<type>_<n>` with a per-type counter starting at 1 (Keras 2.x, the
 * version whose `InceptionV3(weights='imagenet')` models tensorflowjs_converter emits). We replay
 * the same counters so that converted weights load by name.
 */
class KerasNamer {
  private readonly counters = new Map<string, number>();
  next(type: string): string {
    const n = (this.counters.get(type) ?? 0) + 1;
    this.counters.set(type, n);
    return `${type}_${n}`;
  }
}

/** Conv (no bias) → BatchNorm (no scale) → ReLU, as Keras's `conv2d_bn`. */
function conv2dBn(
  names: KerasNamer,
  x: tf.SymbolicTensor,
  filters: number,
  rows: number,
  cols: number,
  padding: Padding = 'same',
  strides: [number, number] = [1, 1],
): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({
    filters,
    kernelSize: [rows, cols],
    strides,
    padding,
    useBias: false,
    name: names.next('conv2d'),
  });
  const bn = tf.layers.batchNormalization({
    axis: 3,
    scale: false,
    name: names.next('batch_normalization'),
  });
  const relu = tf.layers.activation({ activation: 'relu', name: names.next('activation') });
  return relu.apply(bn.apply(conv.apply(x))) as tf.SymbolicTensor;
}

function maxPool(names: KerasNamer, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, name: names.next('max_pooling2d') })
    .apply(x) as tf.SymbolicTensor;
}

function avgPoolSame(names: KerasNamer, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers
    .averagePooling2d({
      poolSize: 3,
      strides: 1,
      padding: 'same',
      name: names.next('average_pooling2d'),
    })
    .apply(x) as tf.SymbolicTensor;
}

function concat(names: KerasNamer, xs: tf.SymbolicTensor[], name?: string): tf.SymbolicTensor {
  return tf.layers
    .concatenate({ axis: 3, name: name ?? names.next('concatenate') })
    .apply(xs) as tf.SymbolicTensor;
}

/** mixed0–mixed2 (35×35): `poolFilters` is 32 for mixed0, 64 after. */
function block35(n: KerasNamer, x: tf.SymbolicTensor, poolFilters: number, name: string) {
  const b1 = conv2dBn(n, x, 64, 1, 1);
  let b5 = conv2dBn(n, x, 48, 1, 1);
  b5 = conv2dBn(n, b5, 64, 5, 5);
  let b3 = conv2dBn(n, x, 64, 1, 1);
  b3 = conv2dBn(n, b3, 96, 3, 3);
  b3 = conv2dBn(n, b3, 96, 3, 3);
  const bp = conv2dBn(n, avgPoolSame(n, x), poolFilters, 1, 1);
  return concat(n, [b1, b5, b3, bp], name);
}

/** mixed4–mixed7 (17×17): `mid` is the width of the factorised 7×7 branches. */
function block17(n: KerasNamer, x: tf.SymbolicTensor, mid: number, name: string) {
  const b1 = conv2dBn(n, x, 192, 1, 1);
  let b7 = conv2dBn(n, x, mid, 1, 1);
  b7 = conv2dBn(n, b7, mid, 1, 7);
  b7 = conv2dBn(n, b7, 192, 7, 1);
  let b7d = conv2dBn(n, x, mid, 1, 1);
  b7d = conv2dBn(n, b7d, mid, 7, 1);
  b7d = conv2dBn(n, b7d, mid, 1, 7);
  b7d = conv2dBn(n, b7d, mid, 7, 1);
  b7d = conv2dBn(n, b7d, 192, 1, 7);
  const bp = conv2dBn(n, avgPoolSame(n, x), 192, 1, 1);
  return concat(n, [b1, b7, b7d, bp], name);
}

/** mixed9 and mixed10 (8×8); `i` is 0 or 1, as in Keras's `mixed9_<i>`. */
function block8(n: KerasNamer, x: tf.SymbolicTensor, i: number) {
  const b1 = conv2dBn(n, x, 320, 1, 1);
  const b3 = conv2dBn(n, x, 384, 1, 1);
  const b3a = conv2dBn(n, b3, 384, 1, 3);
  const b3b = conv2dBn(n, b3, 384, 3, 1);
  const b3cat = concat(n, [b3a, b3b], `mixed9_${i}`);
  let b3d = conv2dBn(n, x, 448, 1, 1);
  b3d = conv2dBn(n, b3d, 384, 3, 3);
  const b3da = conv2dBn(n, b3d, 384, 1, 3);
  const b3db = conv2dBn(n, b3d, 384, 3, 1);
  const b3dcat = concat(n, [b3da, b3db]);
  const bp = conv2dBn(n, avgPoolSame(n, x), 192, 1, 1);
  return concat(n, [b1, b3cat, b3dcat, bp], `mixed${9 + i}`);
}

/**
 * InceptionV3 exactly as Keras's `keras.applications.InceptionV3(include_top=True)`: same layer
 * order, types, shapes and names, so weights converted from Keras by tensorflowjs_converter load
 * by name. Weights here are freshly initialised; load real ones with `loadLayersModelFromUri`.
 */
export function buildInceptionV3(numClasses = 1000): tf.LayersModel {
  const n = new KerasNamer();
  const input = tf.input({
    shape: [INCEPTION_V3_INPUT_SIZE, INCEPTION_V3_INPUT_SIZE, 3],
    name: 'input_1',
  });
  let x = conv2dBn(n, input, 32, 3, 3, 'valid', [2, 2]);
  x = conv2dBn(n, x, 32, 3, 3, 'valid');
  x = conv2dBn(n, x, 64, 3, 3);
  x = maxPool(n, x);
  x = conv2dBn(n, x, 80, 1, 1, 'valid');
  x = conv2dBn(n, x, 192, 3, 3, 'valid');
  x = maxPool(n, x);

  x = block35(n, x, 32, 'mixed0');
  x = block35(n, x, 64, 'mixed1');
  x = block35(n, x, 64, 'mixed2');

  {
    const b3 = conv2dBn(n, x, 384, 3, 3, 'valid', [2, 2]);
    let b3d = conv2dBn(n, x, 64, 1, 1);
    b3d = conv2dBn(n, b3d, 96, 3, 3);
    b3d = conv2dBn(n, b3d, 96, 3, 3, 'valid', [2, 2]);
    x = concat(n, [b3, b3d, maxPool(n, x)], 'mixed3');
  }

  x = block17(n, x, 128, 'mixed4');
  x = block17(n, x, 160, 'mixed5');
  x = block17(n, x, 160, 'mixed6');
  x = block17(n, x, 192, 'mixed7');

  {
    let b3 = conv2dBn(n, x, 192, 1, 1);
    b3 = conv2dBn(n, b3, 320, 3, 3, 'valid', [2, 2]);
    let b7 = conv2dBn(n, x, 192, 1, 1);
    b7 = conv2dBn(n, b7, 192, 1, 7);
    b7 = conv2dBn(n, b7, 192, 7, 1);
    b7 = conv2dBn(n, b7, 192, 3, 3, 'valid', [2, 2]);
    x = concat(n, [b3, b7, maxPool(n, x)], 'mixed8');
  }

  x = block8(n, x, 0);
  x = block8(n, x, 1);

  x = tf.layers
    .globalAveragePooling2d({ name: INCEPTION_V3_FEATURE_LAYER })
    .apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: numClasses, activation: 'softmax', name: 'predictions' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'inception_v3' });
}
