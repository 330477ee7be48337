import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { GanTrainer } from '../../../ml/gan/gan-trainer.js';
import type { GanOptionsInput } from '../../../ml/gan/gan-options.js';
import { LOSS_COLUMNS, type IterationLosses } from '../../../ml/gan/loss-history.js';
import { useBackend } from '../native/use-backend.js';
import { syntheticPairs, type SyntheticPairs } from './synthetic-features.js';

const OPTIONS: GanOptionsInput = {
  hidden: [32, 48],
  discriminatorHidden: [40, 24],
  batchSize: 16,
  lr: 1e-3,
};

/** Relative to each loss: the graph sums in its own order, so the last bits differ. */
function assertLossesClose(graph: IterationLosses, opByOp: IterationLosses, step: number) {
  for (const c of LOSS_COLUMNS) {
    const tolerance = 1e-5 * Math.max(1, Math.abs(opByOp[c]));
    assert.ok(
      Math.abs(graph[c] - opByOp[c]) <= tolerance,
      `iteration ${step} ${c}: graph ${graph[c]} vs op by op ${opByOp[c]}`,
    );
  }
}

describe('GAN iterations as one TensorFlow graph (compiled-gan-step.ts)', function () {
  this.timeout(300_000);
  let data: SyntheticPairs;

  before(async function () {
    await useBackend(this, 'tensorflow');
    data = syntheticPairs(3, { pairs: 48, dim: 24 });
  });

  after(() => tf.dispose([data.benign, data.adversarial]));

  for (const discriminator of ['separate', 'shared'] as const) {
    it(`takes the op-by-op path's steps (${discriminator} D), losses within 1e-5`, () => {
      const options = { ...OPTIONS, discriminator };
      const graph = new GanTrainer(data, options, 5);
      const opByOp = new GanTrainer(data, options, 5, { compiled: false });
      assert.equal(graph.mode, 'one TensorFlow graph per iteration');
      assert.equal(opByOp.mode, 'op by op');
      for (let i = 1; i <= 6; i++) assertLossesClose(graph.step(), opByOp.step(), i);
      graph.dispose();
      opByOp.dispose();
    });
  }

  it('hands its training to the tfjs models: generators, exported state and edited weights', async () => {
    const graph = new GanTrainer(data, OPTIONS, 8);
    const opByOp = new GanTrainer(data, OPTIONS, 8, { compiled: false });
    for (let i = 0; i < 3; i++) [graph, opByOp].forEach((t) => t.step());
    // generator() reads the weights trained in the session, not the initial ones.
    const [fromGraph, fromOps] = [graph, opByOp].map((t) => t.generator('pg')(data.adversarial));
    const worst = tf.tidy(() => tf.max(tf.abs(tf.sub(fromGraph!, fromOps!))).dataSync()[0]!);
    assert.ok(worst < 1e-5, `PG outputs differ by ${worst}`);
    tf.dispose([fromGraph!, fromOps!]);
    const [stateGraph, stateOps] = await Promise.all([graph.exportState(), opByOp.exportState()]);
    assert.deepEqual(Object.keys(stateGraph.tensors).sort(), Object.keys(stateOps.tensors).sort());
    for (const [key, value] of Object.entries(stateOps.tensors)) {
      const diff = tf.tidy(
        () => tf.max(tf.abs(tf.sub(stateGraph.tensors[key]!, value))).dataSync()[0]!,
      );
      assert.ok(diff < 1e-4, `${key} differs by ${diff}`);
    }
    tf.dispose([...Object.values(stateGraph.tensors), ...Object.values(stateOps.tensors)]);
    // A weight set through models() is what the next compiled iteration trains on.
    for (const t of [graph, opByOp]) {
      const pg = t.models().find((m) => m.name === 'pg')!.model;
      const kernel = pg.getLayer('dense_1').getWeights()[0]!;
      pg.getLayer('dense_1').setWeights([
        tf.mul(kernel, 2),
        pg.getLayer('dense_1').getWeights()[1]!,
      ]);
    }
    assertLossesClose(graph.step(), opByOp.step(), 4);
    graph.dispose();
    opByOp.dispose();
  });

  it('leaks no tensors across compiled iterations and syncs', async () => {
    const trainer = new GanTrainer(data, OPTIONS, 2);
    const exportAndDrop = async () =>
      tf.dispose(Object.values((await trainer.exportState()).tensors));
    // The first sync gives the optimizers their moments; count from there.
    trainer.step();
    await exportAndDrop();
    const before = tf.memory().numTensors;
    await trainer.run({ to: 5 });
    await exportAndDrop();
    trainer.step();
    assert.equal(tf.memory().numTensors, before);
    trainer.dispose();
  });
});
