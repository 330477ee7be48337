import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../ml/backend.js';
import { buildDiscriminator } from '../../../ml/gan/discriminator.js';
import { GanOptionsSchema } from '../../../ml/gan/gan-options.js';
import { GanTrainer } from '../../../ml/gan/gan-trainer.js';
import { buildGenerator } from '../../../ml/gan/generator.js';
import { syntheticPairs } from './synthetic-features.js';

interface LayerSummary {
  className: string;
  units?: number;
  activation?: string;
  alpha?: number;
  momentum?: number;
}

function summary(model: tf.Sequential): LayerSummary[] {
  return model.layers.map((layer) => {
    const c = layer.getConfig();
    const s: LayerSummary = { className: layer.getClassName() };
    if (c.units !== undefined) s.units = c.units as number;
    if (c.activation !== undefined) s.activation = c.activation as string;
    if (c.alpha !== undefined) s.alpha = Number((c.alpha as number).toFixed(6));
    if (c.momentum !== undefined) s.momentum = c.momentum as number;
    return s;
  });
}

/** Mean over rows of the squared Euclidean distance between two [N, d] tensors. */
function meanSquaredDistance(a: tf.Tensor2D, b: tf.Tensor2D): number {
  return tf.tidy(() => tf.mean(tf.sum(tf.squaredDifference(a, b), 1)).dataSync()[0]!);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('SFE GAN', function () {
  this.timeout(600_000);

  it('builds generator and discriminator as SPEC §2.3 says', () => {
    const o = GanOptionsSchema.parse({});
    const g = buildGenerator(40, o);
    const block = (units: number): LayerSummary[] => [
      { className: 'Dense', units, activation: 'linear' },
      { className: 'LeakyReLU', alpha: 0.2 },
      { className: 'BatchNormalization', momentum: 0.8 },
    ];
    assert.deepEqual(summary(g), [
      ...block(256),
      ...block(512),
      ...block(1024),
      { className: 'Dense', units: 40, activation: 'tanh' },
      { className: 'Dense', units: 40, activation: 'linear' },
    ]);
    const d = buildDiscriminator(40, o);
    assert.deepEqual(summary(d), [
      { className: 'Dense', units: 512, activation: 'linear' },
      { className: 'LeakyReLU', alpha: 0.2 },
      { className: 'Dense', units: 256, activation: 'linear' },
      { className: 'LeakyReLU', alpha: 0.2 },
      { className: 'Dense', units: 1, activation: 'sigmoid' },
    ]);
    assert.deepEqual(
      { lr: o.lr, beta1: o.beta1, batchSize: o.batchSize, iterations: o.iterations },
      { lr: 1e-5, beta1: 0.5, batchSize: 64, iterations: 25_000 },
    );
    g.dispose();
    d.dispose();
  });

  describe('training on cpu', () => {
    const small = { hidden: [16, 32, 32], discriminatorHidden: [16, 8], batchSize: 8, lr: 1e-3 };
    let data: ReturnType<typeof syntheticPairs>;
    before(async () => {
      await selectBackend('cpu', () => {});
      data = syntheticPairs(5, { pairs: 24, dim: 12 });
    });
    after(() => tf.dispose([data.benign, data.adversarial]));

    it('is a pure function of the seed', async () => {
      const losses = async (seed: number) => {
        const t = new GanTrainer(data, small, seed);
        await t.run({ to: 5 });
        const out = structuredClone(t.losses);
        t.dispose();
        return out;
      };
      const a = await losses(1);
      assert.deepEqual(await losses(1), a);
      assert.notDeepEqual(await losses(2), a);
    });

    it('records every loss of every iteration, reports it and checkpoints on schedule', async () => {
      for (const discriminator of ['shared', 'separate'] as const) {
        const t = new GanTrainer(data, { ...small, discriminator }, 3);
        assert.deepEqual(
          t.models().map((m) => m.name),
          discriminator === 'shared' ? ['pg', 'ng', 'd'] : ['pg', 'ng', 'd_pg', 'd_ng'],
        );
        const seen: number[] = [];
        const checkpoints: number[] = [];
        await t.run({
          to: 7,
          onIteration: (i) => void seen.push(i),
          checkpointEvery: 3,
          onCheckpoint: (i) => void checkpoints.push(i),
        });
        assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
        assert.deepEqual(checkpoints, [3, 6]);
        for (const column of Object.values(t.losses)) {
          assert.equal(column.length, 7);
          assert.ok(column.every((x) => Number.isFinite(x) && x >= 0));
        }
        t.dispose();
      }
    });

    it('refuses features that do not pair up', () => {
      const odd = tf.zeros([5, 12]) as tf.Tensor2D;
      assert.throws(
        () => new GanTrainer({ benign: data.benign, adversarial: odd }, small, 1),
        /pair up/,
      );
      odd.dispose();
    });

    it('does not leak tensors across iterations', async () => {
      const t = new GanTrainer(data, small, 4);
      await t.run({ to: 2 });
      const before = tf.memory().numTensors;
      await t.run({ to: 6 });
      assert.equal(tf.memory().numTensors, before);
      t.dispose();
    });
  });

  it('PG learns to move adversarial features to their benign partners (wasm, SPEC widths)', async () => {
    await selectBackend('wasm', () => {});
    const data = syntheticPairs(9, { pairs: 128, dim: 32 });
    // Test settings: lr 1e-3 instead of 1e-5, so a few hundred iterations show the effect, and
    // batch 16 instead of 64 to keep the test quick on two shared cores.
    const trainer = new GanTrainer(data, { lr: 1e-3, batchSize: 16, iterations: 300 }, 21);
    await trainer.run();
    const { msePG, mseNG } = trainer.losses;
    assert.ok(mean(msePG.slice(-20)) < 0.5 * mean(msePG.slice(0, 20)), 'PG MSE falls');
    assert.ok(mean(mseNG.slice(-20)) < 0.5 * mean(mseNG.slice(0, 20)), 'NG MSE falls');

    const cleaned = trainer.generator('pg')(data.adversarial);
    const before = meanSquaredDistance(data.adversarial, data.benign);
    const after = meanSquaredDistance(cleaned, data.benign);
    assert.ok(
      after < 0.5 * before,
      `‖PG(f(adv)) − f(benign)‖² ${after} vs ‖f(adv) − f(benign)‖² ${before}`,
    );
    tf.dispose([cleaned, data.benign, data.adversarial]);
    trainer.dispose();
  });
});
