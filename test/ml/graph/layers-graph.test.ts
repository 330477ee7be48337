import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compileChain } from '../../../ml/graph/compile-layers.js';
import { GraphSession } from '../../../ml/graph/graph-session.js';
import { UnsupportedLayerError } from '../../../ml/graph/layers-graph.js';
import { buildInceptionV3, INCEPTION_V3_FEATURE_LAYER } from '../../../ml/models/inception-v3.js';
import { compileSplitForward } from '../../../ml/models/split-forward.js';
import { splitModel } from '../../../ml/models/split-model.js';
import { Rng } from '../../../ml/rng.js';
import { useBackend } from '../native/use-backend.js';

/** max |graph − eager| ≤ tolerance · max |eager|: the graph sums in its own order. */
function assertClose(graph: tf.Tensor, eager: tf.Tensor, tolerance: number, what: string) {
  assert.deepEqual(graph.shape, eager.shape, `${what}: shapes`);
  const [worst, scale] = tf.tidy(() => [
    tf.max(tf.abs(tf.sub(graph, eager))).dataSync()[0]!,
    tf.max(tf.abs(eager)).dataSync()[0]!,
  ]);
  assert.ok(scale > 0, `${what}: all zeros`);
  assert.ok(worst <= tolerance * scale, `${what}: ${worst} > ${tolerance} × ${scale}`);
}

function randomWeights(model: tf.LayersModel, seed: number): void {
  const rng = Rng.fromSeed(seed);
  model.setWeights(
    model.weights.map((w) => {
      const size = w.shape.reduce((a, b) => a! * b!, 1)!;
      // Variances must stay positive; everything else is centred.
      const positive = w.originalName.endsWith('moving_variance');
      return tf.tensor(
        Float32Array.from({ length: size }, () =>
          positive ? 0.5 + rng.uniform() : rng.normal(0, 0.5),
        ),
        w.shape as number[],
      );
    }),
  );
}

function images(shape: number[], seed: number): tf.Tensor {
  const rng = Rng.fromSeed(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.uniform() * 2 - 1),
    shape,
  );
}

/** Runs `model` compiled and op by op on the same input and compares. */
function compareCompiled(model: tf.LayersModel, x: tf.Tensor, tolerance: number) {
  const chain = compileChain([model]);
  try {
    const [graph] = chain.run(x);
    const eager = model.predict(x) as tf.Tensor;
    assertClose(graph!, eager, tolerance, model.name);
    tf.dispose([graph!, eager]);
  } finally {
    chain.dispose();
  }
}

describe('layers models as one TensorFlow graph (ml/graph)', function () {
  this.timeout(300_000);

  before(async function () {
    await useBackend(this, 'tensorflow');
  });

  it('convolution, pooling, batch norm, activations, rescaling and concatenation match op by op', () => {
    const input = tf.input({ shape: [12, 12, 3] });
    const conv = tf.layers
      .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })
      .apply(input) as tf.SymbolicTensor;
    const bn = tf.layers
      .batchNormalization({ axis: 3, scale: false })
      .apply(conv) as tf.SymbolicTensor;
    const left = tf.layers
      .maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' })
      .apply(bn) as tf.SymbolicTensor;
    const right = tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(
      tf.layers.conv2d({ filters: 4, kernelSize: [1, 3], padding: 'valid', dilationRate: 1 }).apply(
        tf.layers
          .zeroPadding2d({
            padding: [
              [0, 0],
              [1, 1],
            ],
          })
          .apply(bn),
      ) as tf.SymbolicTensor,
    ) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ axis: -1 }).apply([left, right]) as tf.SymbolicTensor;
    const sum = tf.layers
      .add()
      .apply([
        tf.layers.leakyReLU({ alpha: 0.1 }).apply(joined) as tf.SymbolicTensor,
        tf.layers.reLU({ maxValue: 6 }).apply(joined) as tf.SymbolicTensor,
      ]) as tf.SymbolicTensor;
    const depthwise = tf.layers
      .depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: true })
      .apply(sum) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({}).apply(depthwise) as tf.SymbolicTensor;
    const dropped = tf.layers.dropout({ rate: 0.5 }).apply(pooled) as tf.SymbolicTensor;
    const dense = tf.layers
      .dense({ units: 5, activation: 'tanh' })
      .apply(dropped) as tf.SymbolicTensor;
    const scaled = tf.layers
      .rescaling({ scale: 0.5, offset: 0.25 })
      .apply(dense) as tf.SymbolicTensor;
    const bnDense = tf.layers.batchNormalization({}).apply(scaled) as tf.SymbolicTensor;
    const reshaped = tf.layers.reshape({ targetShape: [1, 5] }).apply(bnDense) as tf.SymbolicTensor;
    const out = tf.layers
      .activation({ activation: 'softmax' })
      .apply(tf.layers.flatten().apply(reshaped) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out, name: 'mixed' });
    randomWeights(model, 3);
    const x = images([4, 12, 12, 3], 5);
    compareCompiled(model, x, 1e-5);
    tf.dispose([x]);
    model.dispose();
  });

  it('a layer without a graph form is named, and the split forward falls back to op by op', () => {
    const input = tf.input({ shape: [6] });
    const out = tf.layers
      .dense({ units: 3, activation: 'hardSigmoid' })
      .apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out, name: 'odd' });
    assert.throws(
      () => compileChain([model]),
      (err: Error) => {
        assert.ok(err instanceof UnsupportedLayerError);
        assert.match(err.message, /activation hardSigmoid has no graph form/);
        return true;
      },
    );
    const head = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const forward = compileSplitForward({ backbone: model, head });
    assert.match(forward.mode, /^op by op \(layer .*hardSigmoid/);
    const [features, outputs] = forward.run(tf.ones([2, 6]));
    assert.deepEqual(
      [features.shape, outputs.shape],
      [
        [2, 3],
        [2, 2],
      ],
    );
    tf.dispose([features, outputs]);
    model.dispose();
    head.dispose();
  });

  it('InceptionV3 split at avg_pool runs as one graph and matches op by op within 1e-5', () => {
    const model = buildInceptionV3(10);
    const split = splitModel(model, INCEPTION_V3_FEATURE_LAYER);
    const forward = compileSplitForward(split);
    assert.equal(forward.mode, 'one TensorFlow graph');
    const x = images([2, 299, 299, 3], 9);
    const [features, probabilities] = forward.run(x);
    const eagerFeatures = split.backbone.predict(x) as tf.Tensor;
    const eagerProbabilities = split.head.predict(eagerFeatures) as tf.Tensor;
    assertClose(features, eagerFeatures, 1e-5, 'avg_pool features');
    assertClose(probabilities, eagerProbabilities, 1e-5, 'probabilities');
    forward.dispose();
    tf.dispose([x, features, probabilities, eagerFeatures, eagerProbabilities]);
    model.dispose();
  });

  it('a session refuses runs once disposed', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const chain = compileChain([model]);
    chain.dispose();
    assert.throws(() => chain.run(tf.ones([1, 3])), /graph session already disposed/);
    assert.equal(GraphSession.available(), true);
    model.dispose();
  });
});
