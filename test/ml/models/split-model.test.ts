import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../ml/backend.js';
import { buildSmallCnn } from '../../../ml/models/small-cnn.js';
import { splitModel } from '../../../ml/models/split-model.js';

/** MobileNet v1's Keras tail: GAP → reshape [1,1,C] → dropout → 1×1 conv → softmax → reshape. */
function buildMobileNetLikeModel(classes: number): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = tf.layers
    .conv2d({
      filters: 24,
      kernelSize: 3,
      strides: 2,
      activation: 'relu6',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
      name: 'conv_pw_13_relu',
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .globalAveragePooling2d({ name: 'global_average_pooling2d_1' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .reshape({ targetShape: [1, 1, 24], name: 'reshape_1' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.001, name: 'dropout' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({
      filters: classes,
      kernelSize: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }),
      name: 'conv_preds',
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .activation({ activation: 'softmax', name: 'act_softmax' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .reshape({ targetShape: [classes], name: 'reshape_2' })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

describe('splitModel', function () {
  before(async () => selectBackend('cpu', () => {}));

  it('head(backbone(x)) equals the small CNN', function () {
    const model = buildSmallCnn({ numClasses: 7, seed: 3, inputSize: 32 });
    const { backbone, head, featureShape } = splitModel(model, 'avg_pool');
    assert.deepEqual(featureShape, [64]);
    const x = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 11);
    const full = model.predict(x) as tf.Tensor;
    const features = backbone.predict(x) as tf.Tensor;
    const split = head.predict(features) as tf.Tensor;
    assert.deepEqual(features.shape, [4, 64]);
    assert.deepEqual(split.shape, [4, 7]);
    assert.ok(maxAbsDiff(full, split) < 1e-5);
    tf.dispose([x, full, features, split]);
    model.dispose();
  });

  it('head(backbone(x)) equals a model with a MobileNet-style reshape/dropout/1×1-conv tail', function () {
    const model = buildMobileNetLikeModel(10);
    const { backbone, head, featureShape } = splitModel(model, 'global_average_pooling2d_1');
    assert.deepEqual(featureShape, [24]);
    assert.deepEqual(head.layers.map((l) => l.name).slice(1), [
      'reshape_1',
      'dropout',
      'conv_preds',
      'act_softmax',
      'reshape_2',
    ]);
    const x = tf.randomUniform([3, 32, 32, 3], -1, 1, 'float32', 12);
    const full = model.predict(x) as tf.Tensor;
    const split = tf.tidy(() => head.predict(backbone.predict(x) as tf.Tensor) as tf.Tensor);
    assert.ok(maxAbsDiff(full, split) < 1e-5);
    tf.dispose([x, full, split]);
    model.dispose();
  });

  it('refuses a feature layer followed by a branching tail', function () {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 3, name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'b' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: sum });
    assert.throws(() => splitModel(model, 'a'), /layer sum has 2 inputs/);
    model.dispose();
  });
});
