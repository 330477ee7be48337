import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../ml/rng.js';
import { batchNormalization } from '../../../ml/training/batch-norm-layer.js';
import { useBackend } from '../native/use-backend.js';

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tolerance = 1e-5) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.ok(
      Math.abs(a[i]! - b[i]!) <= tolerance * Math.max(1, Math.abs(b[i]!)),
      `${what}[${i}]: ${a[i]} vs ${b[i]}`,
    );
  }
}

/** Training output, gradients (input, gamma, beta), moving statistics and inference output. */
function exercise(layer: tf.layers.Layer, x: tf.Tensor2D, weights: tf.Tensor[]) {
  const model = tf.sequential({
    layers: [tf.layers.inputLayer({ inputShape: [x.shape[1]] }), layer],
  });
  layer.setWeights(weights);
  const probe = tf.linspace(-1, 1, x.size).reshape(x.shape);
  const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const out = tf.variableGrads(
    () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, probe)) as tf.Scalar,
    [gamma!, beta!],
  );
  const dx = tf.grad((input: tf.Tensor) =>
    tf.sum(tf.mul(model.apply(input, { training: true }) as tf.Tensor, probe)),
  )(x);
  const result = {
    trained: (model.apply(x, { training: true }) as tf.Tensor).dataSync(),
    dGamma: out.grads[gamma!.name]!.dataSync(),
    dBeta: out.grads[beta!.name]!.dataSync(),
    dx: dx.dataSync(),
    moving: layer
      .getWeights()
      .slice(2)
      .map((w) => w.dataSync()),
    inference: (model.apply(x, { training: false }) as tf.Tensor).dataSync(),
    names: layer.weights.map((w) => w.originalName),
  };
  model.dispose();
  return result;
}

describe('BatchNormalization on native: TensorFlow fused kernels (ml/training/batch-norm-layer.ts)', function () {
  before(async function () {
    await useBackend(this, 'tensorflow');
  });

  it('trains, differentiates, averages and infers as tfjs-layers BatchNormalization within 1e-5', function () {
    const rng = Rng.fromSeed(11);
    const x = tf.tensor2d(
      rng.fill(16 * 6, () => 3 * rng.normal() + 1),
      [16, 6],
    );
    const weights = [
      tf.tensor1d(rng.fill(6, () => 1 + rng.normal())),
      tf.tensor1d(rng.fill(6, () => rng.normal())),
      tf.tensor1d(rng.fill(6, () => rng.normal())),
      tf.tensor1d(rng.fill(6, () => 1 + Math.abs(rng.normal()))),
    ];
    const native = batchNormalization({ name: 'bn', momentum: 0.8 });
    assert.notEqual(
      native.constructor,
      tf.layers.batchNormalization({}).constructor,
      'the fused layer on native',
    );
    const got = exercise(native, x, weights);
    const want = exercise(tf.layers.batchNormalization({ name: 'bn', momentum: 0.8 }), x, weights);
    assert.deepEqual(got.names, want.names, 'same weights, names and order');
    assertClose(got.trained, want.trained, 'training output');
    assertClose(got.dx, want.dx, 'input gradient');
    assertClose(got.dGamma, want.dGamma, 'gamma gradient');
    assertClose(got.dBeta, want.dBeta, 'beta gradient');
    got.moving.forEach((m, i) => assertClose(m, want.moving[i]!, `moving statistic ${i}`));
    assertClose(got.inference, want.inference, 'inference output');
    tf.dispose([x, ...weights]);
  });

  it('names the layer and the shape it expects on inputs that are not [batch, units]', function () {
    const layer = batchNormalization({ name: 'bn_conv' });
    assert.throws(
      () => tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [4, 4, 3] }), layer] }),
      /bn_conv: expects \[batch, units\] inputs, got \[null,4,4,3\]/,
    );
  });
});
