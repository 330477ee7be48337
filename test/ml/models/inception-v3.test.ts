import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../ml/backend.js';
import { buildInceptionV3 } from '../../../ml/models/inception-v3.js';
import { splitModel } from '../../../ml/models/split-model.js';

describe('InceptionV3 (Keras layout)', function () {
  let model: tf.LayersModel;

  before(async function () {
    await selectBackend('wasm', () => {});
    model = buildInceptionV3();
  });
  after(() => model.dispose());

  it('has as many parameters as Keras InceptionV3(weights="imagenet")', function () {
    assert.equal(model.countParams(), 23_851_784);
  });

  it('has Keras layer count and names, so converted weights load by name', function () {
    const names = model.layers.map((l) => l.name);
    assert.equal(names.length, 313);
    assert.equal(names.filter((n) => /^conv2d_\d+$/.test(n)).length, 94);
    assert.equal(names.filter((n) => /^batch_normalization_\d+$/.test(n)).length, 94);
    for (const name of ['conv2d_1', 'conv2d_94', 'batch_normalization_94', 'activation_94']) {
      assert.ok(names.includes(name), name);
    }
    for (let i = 0; i <= 10; i++) assert.ok(names.includes(`mixed${i}`), `mixed${i}`);
    assert.ok(names.includes('mixed9_0') && names.includes('mixed9_1'));
    assert.equal(names.at(-2), 'avg_pool');
    assert.equal(names.at(-1), 'predictions');
    // Keras names weights `<layer>/<variable>`; BatchNorm has no gamma (scale=False).
    const weightNames = model.getLayer('batch_normalization_1').weights.map((w) => w.originalName);
    assert.deepEqual(weightNames.sort(), [
      'batch_normalization_1/beta',
      'batch_normalization_1/moving_mean',
      'batch_normalization_1/moving_variance',
    ]);
    assert.deepEqual(
      model.getLayer('conv2d_1').weights.map((w) => w.originalName),
      ['conv2d_1/kernel'],
    );
  });

  it('maps a 299×299×3 image to mixed10 [8,8,2048], avg_pool [2048] and 1000 probabilities', function () {
    assert.deepEqual(model.inputs[0]!.shape, [null, 299, 299, 3]);
    assert.deepEqual(model.getLayer('mixed10').outputShape, [null, 8, 8, 2048]);
    assert.deepEqual(model.getLayer('avg_pool').outputShape, [null, 2048]);
    const probs = tf.tidy(
      () => model.predict(tf.randomUniform([1, 299, 299, 3], -1, 1, 'float32', 1)) as tf.Tensor,
    );
    assert.deepEqual(probs.shape, [1, 1000]);
    const sum = probs.sum().dataSync()[0]!;
    probs.dispose();
    assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
  });

  it('splits at avg_pool into a 2048-d backbone and a 2048 → 1000 head', function () {
    const { backbone, head, featureShape } = splitModel(model, 'avg_pool');
    assert.deepEqual(featureShape, [2048]);
    assert.deepEqual(backbone.outputs[0]!.shape, [null, 2048]);
    assert.deepEqual(head.outputs[0]!.shape, [null, 1000]);
    assert.equal(head.countParams(), 2048 * 1000 + 1000);
  });
});
