import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { trainAdvd, type AdvdTrainingResult } from '../../../ml/advd/train-advd.js';
import { useBackend } from '../native/use-backend.js';
import { Rng } from '../../../ml/rng.js';

// Small and fast, with dropout on both hidden blocks and several steps per epoch.
const OPTIONS = { hidden: [16, 8], dropout: [0.5, 0.25], epochs: 3, batchSize: 16, lr: 1e-2 };

function data(n: number, dim: number) {
  const rng = Rng.fromSeed(21);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const x = tf.tensor2d(
    rng.fill(n * dim, () => rng.normal()),
    [n, dim],
  );
  return { x, labels };
}

/** What a run ends with, as exact bit patterns: every weight, then the test scores. */
async function fingerprint(result: AdvdTrainingResult, probe: tf.Tensor2D) {
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
  const weights = result.detector.model.getWeights().map((w) => bits(w.dataSync() as Float32Array));
  const scores = bits(await result.detector.predict(probe));
  return { weights, scores, history: result.history, bestEpoch: result.bestEpoch };
}

async function run(seed: number) {
  const { x, labels } = data(96, 8);
  try {
    const result = await trainAdvd(x, labels, OPTIONS, seed);
    try {
      return await fingerprint(result, x);
    } finally {
      result.detector.dispose();
    }
  } finally {
    x.dispose();
  }
}

describe('AdvD training reproducibility', function () {
  this.timeout(120_000);

  for (const backend of ['tensorflow', 'cpu', 'wasm'] as const) {
    it(`repeats bit for bit with the same seed on ${backend}, and differs with another`, async function () {
      await useBackend(this, backend);
      const first = await run(7);
      const again = await run(7);
      assert.deepEqual(again, first);
      const other = await run(8);
      assert.notDeepEqual(other.weights, first.weights);
    });
  }
});
