import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../ml/backend.js';
import { Adam, type AdamSettings } from '../../../ml/training/adam.js';
import { useBackend } from '../native/use-backend.js';

const SETTINGS: AdamSettings = { learningRate: 0.1, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 };
const START = [0.5, -1, 2, 0];
const GRADIENTS = [
  [1, -2, 0.5, 0],
  [-0.5, 1, 3, 1e-4],
  [2, 2, -1, -0.5],
];

/** TensorFlow's ApplyAdam update written out in float64, step by step (`reset`: x set before a step). */
function byHand(steps: number, reset?: { before: number; to: number[] }): number[] {
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps } = SETTINGS;
  const x = [...START];
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  for (let t = 1; t <= steps; t++) {
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    const g = GRADIENTS[t - 1]!;
    if (reset?.before === t) x.splice(0, x.length, ...reset.to);
    x.forEach((_, i) => {
      m[i] = m[i]! + (g[i]! - m[i]!) * (1 - b1);
      v[i] = v[i]! + (g[i]! ** 2 - v[i]!) * (1 - b2);
      x[i] = x[i]! - (alpha * m[i]!) / (Math.sqrt(v[i]!) + eps);
    });
  }
  return x;
}

function train(adam: Adam, variable: tf.Variable, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    tf.tidy(() => adam.applyGradients([variable], [tf.tensor1d(GRADIENTS[t]!)]));
  }
}

for (const backend of ['cpu', 'tensorflow'] as BackendName[]) {
  const kind = backend === 'tensorflow' ? "TensorFlow's fused kernel" : 'tfjs ops';
  describe(`Adam on ${backend} (${kind})`, function () {
    this.timeout(60_000);
    before(async function () {
      await useBackend(this, backend);
    });

    it('follows the ApplyAdam formula computed by hand in float64, over three steps', function () {
      const x = tf.variable(tf.tensor1d(START));
      const adam = new Adam(SETTINGS);
      train(adam, x, 0, 3);
      const got = Array.from(x.dataSync());
      byHand(3).forEach((want, i) =>
        assert.ok(
          Math.abs(got[i]! - want) <= 1e-6 * Math.max(1, Math.abs(want)),
          `x[${i}] ${got[i]} ≠ ${want}`,
        ),
      );
      assert.notDeepEqual(got, START);
      adam.dispose();
      x.dispose();
    });

    it('updates a weight set from outside between steps from its new value', function () {
      const x = tf.variable(tf.tensor1d(START));
      const adam = new Adam(SETTINGS);
      const moved = [3, 1, -1, 0.25];
      train(adam, x, 0, 1);
      x.assign(tf.tensor1d(moved));
      train(adam, x, 1, 3);
      const got = Array.from(x.dataSync());
      byHand(3, { before: 2, to: moved }).forEach((want, i) =>
        assert.ok(
          Math.abs(got[i]! - want) <= 1e-6 * Math.max(1, Math.abs(want)),
          `x[${i}] ${got[i]} ≠ ${want}`,
        ),
      );
      adam.dispose();
      x.dispose();
    });

    it('restored from a snapshot, goes on bit for bit like an uninterrupted run', function () {
      const straight = tf.variable(tf.tensor1d(START));
      const a = new Adam(SETTINGS);
      train(a, straight, 0, 3);

      const resumed = tf.variable(tf.tensor1d(START));
      const first = new Adam(SETTINGS);
      train(first, resumed, 0, 1);
      const state = first.snapshot();
      first.dispose();
      const second = new Adam(SETTINGS);
      second.restore(state);
      tf.dispose(state);
      train(second, resumed, 1, 3);

      assert.deepEqual(Array.from(resumed.dataSync()), Array.from(straight.dataSync()));
      const snap = second.snapshot();
      assert.equal(snap.length, 5, 'iterations, m, v, beta1 power, beta2 power');
      assert.equal(snap[0]!.dtype, 'int32');
      assert.equal(snap[0]!.dataSync()[0], 3);
      assert.equal(snap[3]!.dataSync()[0], Math.fround(Math.fround(0.5) ** 4));
      tf.dispose([...snap, straight, resumed]);
      a.dispose();
      second.dispose();
    });

    it('frees every tensor it made on dispose', function () {
      const x = tf.variable(tf.tensor1d(START));
      const before = tf.memory().numTensors;
      const adam = new Adam(SETTINGS);
      train(adam, x, 0, 2);
      adam.dispose();
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
    });

    it('rejects a gradient list that does not match the variables', function () {
      const adam = new Adam(SETTINGS);
      assert.throws(() => adam.applyGradients([], [tf.scalar(1)]), /0 variables but 1 gradients/);
      assert.throws(() => adam.restore([tf.scalar(0, 'int32')]), /3 \+ 2k tensors, found 1/);
      adam.dispose();
    });
  });
}
