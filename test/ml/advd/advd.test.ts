import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadAdvd, saveAdvd } from '../../../ml/advd/advd-artifact.js';
import { buildAdvdModel } from '../../../ml/advd/advd-model.js';
import { AdvdOptionsSchema } from '../../../ml/advd/advd-options.js';
import { trainAdvd } from '../../../ml/advd/train-advd.js';
import { selectBackend } from '../../../ml/backend.js';
import { auroc } from '../../../ml/metrics/roc.js';
import { Rng } from '../../../ml/rng.js';
import { LocalStore } from '../../../store/local-store.js';

/** [PG ‖ NG]-like inputs: adversarial rows carry a shift in the NG half, benign rows do not. */
function detectionData(seed: number, n: number, dim: number, shift: number) {
  const rng = Rng.fromSeed(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      x[i * dim + j] = rng.normal(3, 2) + (labels[i] === 1 && j >= dim / 2 ? shift : 0);
    }
  }
  return { x: tf.tensor2d(x, [n, dim]), labels };
}

describe('AdvD', function () {
  this.timeout(300_000);
  before(async () => selectBackend('wasm', () => {}));

  it('has the SPEC §2.4 layers and training defaults', () => {
    const o = AdvdOptionsSchema.parse({});
    const model = buildAdvdModel(8, o);
    assert.deepEqual(
      model.layers.map((l) => {
        const c = l.getConfig();
        return [l.getClassName(), c.units ?? c.rate ?? null, c.activation ?? null];
      }),
      [512, 256, 128, 64]
        .flatMap((units, i) => [
          ['Dense', units, 'relu'],
          ['BatchNormalization', null, null],
          ['SeededDropout', i === 3 ? 0.25 : 0.5, null],
        ])
        .concat([['Dense', 1, 'sigmoid']]),
    );
    assert.deepEqual(
      [o.lr, o.momentum, o.nesterov, o.epochs, o.batchSize, o.validationSplit, o.patience],
      [1e-4, 0.9, true, 25, 256, 0.2, 10],
    );
    model.dispose();
    assert.throws(() => AdvdOptionsSchema.parse({ hidden: [4, 4] }), /one dropout rate per hidden/);
  });

  it('learns to separate adversarial from benign inputs and round-trips through the store', async () => {
    // Test settings: lr 1e-2 and batch 32 so that a few hundred examples train in 25 epochs.
    const options = { lr: 1e-2, batchSize: 32 };
    const train = detectionData(1, 400, 16, 3);
    const result = await trainAdvd(train.x, train.labels, options, 7);
    assert.equal(result.history.length, result.stoppedEpoch);
    assert.equal(result.validationIndices.length, 80);
    // A shift of 3 noise sd on 8 of 16 columns: the Bayes accuracy is Φ(√8 · 3 / 2 / 2) ≈ 0.98.
    const best = result.history[result.bestEpoch - 1]!;
    assert.ok(best.valAccuracy > 0.9, JSON.stringify(best));

    const test = detectionData(2, 200, 16, 3);
    const scores = await result.detector.predict(test.x);
    assert.ok(auroc({ scores, labels: test.labels }) > 0.95);

    const root = await mkdtemp(join(tmpdir(), 'advd-'));
    try {
      const store = new LocalStore(root);
      await saveAdvd(store, 'advd/run-1', result.detector, AdvdOptionsSchema.parse(options));
      const loaded = await loadAdvd(store, 'advd/run-1');
      assert.deepEqual(await loaded.predict(test.x), scores);
      loaded.dispose();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    result.detector.dispose();
    tf.dispose([train.x, test.x]);
  });

  it('stops early after `patience` epochs without progress and keeps the best epoch', async () => {
    // Random labels and a large step: validation loss soon only rises.
    const rng = Rng.fromSeed(4);
    const n = 200;
    const x = tf.tensor2d(
      rng.fill(n * 8, () => rng.normal()),
      [n, 8],
    );
    const labels = Array.from({ length: n }, () => rng.int(2));
    const patience = 3;
    const result = await trainAdvd(x, labels, { lr: 0.5, batchSize: 16, patience }, 3);
    assert.ok(result.earlyStopped, `ran all ${result.stoppedEpoch} epochs`);
    assert.equal(result.stoppedEpoch - result.bestEpoch, patience);
    const valLosses = result.history.map((h) => h.valLoss);
    assert.equal(Math.min(...valLosses), valLosses[result.bestEpoch - 1]);

    // The detector holds the best epoch's weights: evaluated the same way, its validation loss
    // is that epoch's.
    const idx = tf.tensor1d(result.validationIndices, 'int32');
    const y = tf.tensor2d(labels, [n, 1]);
    const [xVal, yVal] = [tf.gather(x, idx), tf.gather(y, idx)];
    const evaluated = result.detector.model.evaluate(
      result.detector.standardizer.apply(xVal as tf.Tensor2D),
      yVal,
    ) as tf.Scalar[];
    // Batching sums the loss in another order than during training: equal up to rounding.
    const bestLoss = valLosses[result.bestEpoch - 1]!;
    const restoredLoss = evaluated[0]!.dataSync()[0]!;
    assert.ok(Math.abs(restoredLoss - bestLoss) <= 1e-5 * Math.max(1, bestLoss), `${restoredLoss}`);
    result.detector.dispose();
    tf.dispose([x, y, idx, xVal, yVal, ...evaluated]);
  });

  it('refuses labels other than 0 and 1, and splits too small to validate', async () => {
    const x = tf.zeros([10, 4]) as tf.Tensor2D;
    await assert.rejects(trainAdvd(x, new Array(10).fill(2), {}, 1), /not 0 or 1/);
    await assert.rejects(trainAdvd(x, new Array(9).fill(0), {}, 1), /10 inputs but 9 labels/);
    const one = tf.zeros([1, 4]) as tf.Tensor2D;
    await assert.rejects(trainAdvd(one, [0], {}, 1), /cannot be split/);
    tf.dispose([x, one]);
  });
});
