import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { selectBackend } from '../../../ml/backend.js';
import { withConvGradientBackend } from '../../../ml/conv-gradient-backend.js';
import { jet } from '../../../ml/gradcam/colormap.js';
import { buildGradCamModel, gradCam, type GradCamMap } from '../../../ml/gradcam/gradcam.js';
import { renderGradCamOverlay } from '../../../ml/gradcam/overlay.js';
import { buildSmallCnn, SMALL_CNN_LAST_CONV } from '../../../ml/models/small-cnn.js';

/**
 * 16×16 input → 2×2/stride-2 conv (filter 0 sums the red channel, filter 1 the blue one, ReLU)
 * → GAP → softmax over 2 classes (class 0 ← filter 0, class 1 ← filter 1).
 */
function buildColourModel(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3] });
  const conv = tf.layers.conv2d({
    filters: 2,
    kernelSize: 2,
    strides: 2,
    activation: 'relu',
    name: 'conv',
  });
  const pool = tf.layers.globalAveragePooling2d({ name: 'avg_pool' });
  const dense = tf.layers.dense({ units: 2, activation: 'softmax', name: 'predictions' });
  const output = dense.apply(pool.apply(conv.apply(input))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const kernel = new Float32Array(2 * 2 * 3 * 2);
  for (let k = 0; k < 4; k++) {
    kernel[k * 6 + 0 * 2 + 0] = 1; // red → filter 0
    kernel[k * 6 + 2 * 2 + 1] = 1; // blue → filter 1
  }
  conv.setWeights([tf.tensor4d(kernel, [2, 2, 3, 2]), tf.zeros([2])]);
  dense.setWeights([
    tf.tensor2d([
      [3, 0],
      [0, 3],
    ]),
    tf.zeros([2]),
  ]);
  return model;
}

/** Red square in the top-left 8×8, blue square in the bottom-right 8×8. */
function twoSquares(): tf.Tensor4D {
  const data = new Float32Array(16 * 16 * 3);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      if (x < 8 && y < 8) data[(y * 16 + x) * 3] = 1;
      if (x >= 8 && y >= 8) data[(y * 16 + x) * 3 + 2] = 0.5;
    }
  }
  return tf.tensor4d(data, [1, 16, 16, 3]);
}

function quadrantMeans(map: GradCamMap): { topLeft: number; bottomRight: number } {
  let topLeft = 0;
  let bottomRight = 0;
  const half = map.height / 2;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const v = map.heatmap[y * map.width + x]!;
      if (x < half && y < half) topLeft += v;
      if (x >= half && y >= half) bottomRight += v;
    }
  }
  return { topLeft: topLeft / half ** 2, bottomRight: bottomRight / half ** 2 };
}

describe('Grad-CAM', function () {
  before(async () => selectBackend('cpu', () => {}));

  it('highlights the region that drives the class, and follows the defense', function () {
    const model = buildColourModel();
    const camModel = buildGradCamModel(model, 'conv', 'avg_pool');
    const image = twoSquares();
    const [before] = gradCam(camModel, image, { classIndices: [0] });
    assert.deepEqual([before!.height, before!.width], [8, 8]);
    const b = quadrantMeans(before!);
    assert.equal(b.topLeft, 1, 'the red square drives class 0');
    assert.equal(b.bottomRight, 0);
    assert.ok(Math.abs(before!.score - (model.predict(image) as tf.Tensor).dataSync()[0]!) < 1e-6);

    // A "defense" that swaps the two pooled features makes class 0 depend on the blue square.
    const swap = (f: tf.Tensor2D) => f.reverse(1) as tf.Tensor2D;
    const [after] = gradCam(camModel, image, { classIndices: [0], defense: swap });
    const a = quadrantMeans(after!);
    assert.equal(a.bottomRight, 1);
    assert.equal(a.topLeft, 0);

    // Without class indices, each image's predicted class is explained (the red square wins).
    const [predicted] = gradCam(camModel, image);
    assert.equal(predicted!.classIndex, 0);
    image.dispose();
    model.dispose();
  });

  it('maps the small CNN to its conv grid, within [0, 1], for a batch', function () {
    const model = buildSmallCnn({ numClasses: 5, seed: 9, inputSize: 64 });
    const camModel = buildGradCamModel(model, SMALL_CNN_LAST_CONV, 'avg_pool');
    const images = tf.randomUniform([2, 64, 64, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const predicted = tf.tidy(() =>
      Array.from((model.predict(images) as tf.Tensor).argMax(1).dataSync()),
    );
    const before = tf.memory().numTensors;
    const maps = gradCam(camModel, images);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
    assert.deepEqual(
      maps.map((m) => [m.height, m.width, m.heatmap.length, m.classIndex]),
      predicted.map((c) => [16, 16, 256, c]),
    );
    for (const map of maps) {
      assert.ok(map.heatmap.every((v) => v >= 0 && v <= 1));
      assert.equal(Math.max(...map.heatmap), 1);
    }
    images.dispose();
    model.dispose();
  });

  it("explains a model with a convolutional head (MobileNet's 1×1 conv_preds) on the wasm backend", async function () {
    // conv → avg_pool → reshape → 1×1 conv → reshape → softmax, as MobileNet v1 ends.
    const input = tf.input({ shape: [16, 16, 3] });
    let x = tf.layers
      .conv2d({ filters: 4, kernelSize: 3, name: 'conv', activation: 'relu' })
      .apply(input);
    x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x);
    x = tf.layers.reshape({ targetShape: [1, 1, 4] }).apply(x);
    x = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'conv_preds' }).apply(x);
    x = tf.layers.reshape({ targetShape: [3] }).apply(x);
    const output = tf.layers.activation({ activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
    const images = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const model = tf.model({ inputs: input, outputs: output });
    const camModel = buildGradCamModel(model, 'conv', 'avg_pool');
    const onCpu = gradCam(camModel, images);
    await selectBackend('wasm', () => {});
    try {
      assert.throws(() => gradCam(camModel, images), /not registered for backend 'wasm'/);
      const onWasm = await withConvGradientBackend(async () => gradCam(camModel, images));
      assert.equal(tf.getBackend(), 'wasm', 'the backend is restored');
      assert.deepEqual(
        onWasm.map((m) => m.classIndex),
        onCpu.map((m) => m.classIndex),
      );
      onWasm.forEach((m, i) => {
        const max = Math.max(...m.heatmap.map((v, j) => Math.abs(v - onCpu[i]!.heatmap[j]!)));
        assert.ok(max < 1e-5, `heatmap ${i} differs by ${max}`);
      });
    } finally {
      await selectBackend('cpu', () => {});
      images.dispose();
      model.dispose();
    }
  });

  it('refuses a feature layer that is not the global average pooling of the conv layer', function () {
    const model = buildSmallCnn({ numClasses: 3, seed: 1, inputSize: 32 });
    assert.throws(
      () => buildGradCamModel(model, 'conv1', 'avg_pool'),
      /needs avg_pool to be GlobalAveragePooling2D of conv1; it is GlobalAveragePooling2D of last_conv/,
    );
    model.dispose();
  });

  it('writes a PNG overlay of the image size, coloured where the heatmap is hot', async function () {
    const width = 50;
    const height = 30;
    const image = { width, height, data: new Uint8Array(width * height * 3).fill(128) };
    // Hot in the left column of a 2×2 grid, cold in the right.
    const png = await renderGradCamOverlay(
      image,
      { heatmap: Float32Array.of(1, 0, 1, 0), height: 2, width: 2 },
      0.5,
    );
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual(
      [info.format, info.width, info.height, info.channels],
      ['raw', width, height, 3],
    );
    const at = (x: number, y: number) =>
      Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    const blend = (c: readonly number[]) => c.map((v) => Math.round(0.5 * 128 + 0.5 * v));
    assert.deepEqual(at(0, 15), blend(jet(1)));
    assert.deepEqual(at(49, 15), blend(jet(0)));
  });
});
