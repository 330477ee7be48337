import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildAdvdModel } from '../../../ml/advd/advd-model.js';
import { SeededDropout } from '../../../ml/advd/seeded-dropout.js';
import { selectBackend } from '../../../ml/backend.js';
import { Rng } from '../../../ml/rng.js';

/** A seed source that counts its draws. */
function countingSeeds(seed: number) {
  const rng = Rng.fromSeed(seed);
  const source = Object.assign(
    () => {
      source.draws++;
      return rng.nextSeed();
    },
    { draws: 0 },
  );
  return source;
}

/** The output / input ratios of two consecutive training-mode calls: the scaled masks. */
function twoMasks(layer: SeededDropout, input: tf.Tensor): Float32Array[] {
  return [0, 1].map(() =>
    tf.tidy(() => tf.div(layer.apply(input, { training: true }) as tf.Tensor, input).dataSync()),
  ) as Float32Array[];
}

describe('SeededDropout', function () {
  this.timeout(60_000);
  before(async () => selectBackend('cpu', () => {}));

  const rate = 0.4;
  const x = () => tf.tidy(() => tf.add(tf.range(0, 4000).reshape([100, 40]), 1) as tf.Tensor2D);

  it('draws a new mask at every training call, from its seed stream, and scales the kept units', () => {
    const input = x();
    const layer = new SeededDropout({ rate, seeds: countingSeeds(5) });
    const same = new SeededDropout({ rate, seeds: countingSeeds(5) });
    const masks = twoMasks(layer, input);
    for (const mask of masks) {
      const kept = mask.filter((v) => v !== 0);
      assert.ok(kept.every((v) => Math.abs(v - 1 / (1 - rate)) < 1e-6));
      // 4000 units: the dropped fraction is within 5 standard deviations (0.04) of the rate.
      assert.ok(Math.abs(1 - kept.length / mask.length - rate) < 0.04, `${kept.length} kept`);
    }
    assert.notDeepEqual(masks[0], masks[1]);

    const repeated = twoMasks(same, input);
    assert.deepEqual(repeated, masks);
    tf.dispose(input);
  });

  it('is the identity at inference and draws no seed; training needs a seed source', () => {
    const input = x();
    const seeds = countingSeeds(1);
    const layer = new SeededDropout({ rate, seeds });
    for (const kwargs of [{}, { training: false }]) {
      const out = layer.apply(input, kwargs) as tf.Tensor;
      assert.deepEqual(out.dataSync(), input.dataSync());
      out.dispose();
    }
    assert.equal(seeds.draws, 0);
    const unseeded = new SeededDropout({ rate, name: 'unseeded' });
    assert.throws(() => unseeded.apply(input, { training: true }), /unseeded: training needs/);
    assert.throws(() => new SeededDropout({ rate: 1 }), /in \[0, 1\)/);
    tf.dispose(input);
  });

  it('gets training mode from trainOnBatch (one seed per layer per step), none from evaluate', async () => {
    const seeds = countingSeeds(2);
    const model = buildAdvdModel(6, { hidden: [8, 4], dropout: [0.5, 0.25] }, seeds);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
    const xs = tf.ones([4, 6]);
    const ys = tf.tensor2d([0, 1, 0, 1], [4, 1]);
    await model.trainOnBatch(xs, ys);
    await model.trainOnBatch(xs, ys);
    assert.equal(seeds.draws, 4);
    tf.dispose([model.evaluate(xs, ys) as tf.Scalar, model.predict(xs) as tf.Tensor]);
    assert.equal(seeds.draws, 4);

    // Registered: the topology serialises and reads back with the layer's class and rate.
    const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
    const restored = await tf.models.modelFromJSON({ modelTopology: topology! });
    const dropouts = restored.layers.filter((l) => l.getClassName() === 'SeededDropout');
    assert.deepEqual(
      dropouts.map((l) => [l.name, l.getConfig().rate]),
      [
        ['dropout_1', 0.5],
        ['dropout_2', 0.25],
      ],
    );
    model.optimizer.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
    restored.dispose();
  });
});
