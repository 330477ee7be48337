import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../ml/backend.js';
import { useBackend } from '../native/use-backend.js';
import {
  latestGanCheckpoint,
  restoreGanCheckpoint,
  saveGanCheckpoint,
} from '../../../ml/checkpoint/gan-checkpoint.js';
import type { GanOptionsInput } from '../../../ml/gan/gan-options.js';
import { GanTrainer, type GanTrainingState } from '../../../ml/gan/gan-trainer.js';
import { LocalStore } from '../../../store/local-store.js';
import { syntheticPairs } from '../gan/synthetic-features.js';

const TOTAL = 40;
// Past step 17, tfjs's own Adam.setWeights (β^t recomputed by pow) drifts from the running
// product it trains with; stopping later makes the test catch a resume that trusts it.
const CRASH_AT = 23;
const SEED = 11;

function bytesOf(t: tf.Tensor): Buffer {
  const data = t.dataSync();
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Every tensor (weights, BatchNorm statistics, Adam moments and step) compared bit for bit. */
function assertSameState(actual: GanTrainingState, expected: GanTrainingState): void {
  assert.deepEqual(Object.keys(actual.tensors).sort(), Object.keys(expected.tensors).sort());
  for (const [name, t] of Object.entries(expected.tensors)) {
    assert.ok(bytesOf(actual.tensors[name]!).equals(bytesOf(t)), `${name} differs`);
  }
  assert.equal(actual.iteration, expected.iteration);
  assert.deepEqual(actual.rng, expected.rng);
  assert.deepEqual(actual.history, expected.history);
}

for (const backend of ['tensorflow', 'cpu', 'wasm'] as BackendName[]) {
  for (const discriminator of ['separate', 'shared'] as const) {
    describe(`GAN checkpoint resume on ${backend}, ${discriminator} D`, function () {
      this.timeout(300_000);
      // Small widths keep the test quick; the training code is the one used at full size.
      const options: GanOptionsInput = {
        hidden: [32, 64, 64],
        discriminatorHidden: [32, 16],
        batchSize: 16,
        lr: 1e-3,
        iterations: TOTAL,
        discriminator,
      };
      let root: string;
      let data: ReturnType<typeof syntheticPairs>;

      before(async function () {
        await useBackend(this, backend);
        root = await mkdtemp(join(tmpdir(), 'gan-resume-'));
        data = syntheticPairs(3, { pairs: 48, dim: 32 });
      });
      after(async () => {
        tf.dispose([data.benign, data.adversarial]);
        await rm(root, { recursive: true, force: true });
      });

      it(`a run stopped at ${CRASH_AT} and resumed in fresh objects ends bit-identical`, async () => {
        const straight = new GanTrainer(data, options, SEED);
        const initial = await straight.exportState();
        await straight.run();
        const expected = await straight.exportState();
        straight.dispose();

        const store = new LocalStore(root);
        const runPrefix = `runs/${backend}-${discriminator}`;
        const crashed = new GanTrainer(data, options, SEED);
        await crashed.run({
          to: CRASH_AT,
          checkpointEvery: CRASH_AT,
          onCheckpoint: async () => void (await saveGanCheckpoint(store, runPrefix, crashed)),
        });
        crashed.dispose(); // the process "dies": nothing of it survives but the store

        const checkpoint = await latestGanCheckpoint(store, runPrefix);
        assert.ok(checkpoint !== null, 'a checkpoint was committed');
        // A different seed proves the restore overwrites every initial weight and the RNG.
        const resumed = new GanTrainer(data, options, SEED + 1);
        assert.equal(await restoreGanCheckpoint(store, checkpoint, resumed), CRASH_AT);
        assert.equal(resumed.iteration, CRASH_AT);
        await resumed.run();
        const actual = await resumed.exportState();
        resumed.dispose();

        assertSameState(actual, expected);
        // The run did change the weights, so the comparison is not between two initial states.
        assert.ok(
          !bytesOf(initial.tensors['pg/dense_out/kernel']!).equals(
            bytesOf(expected.tensors['pg/dense_out/kernel']!),
          ),
        );
        assert.ok(
          !bytesOf(initial.tensors['pg/bn_1/moving_mean']!).equals(
            bytesOf(expected.tensors['pg/bn_1/moving_mean']!),
          ),
        );
        tf.dispose([initial, expected, actual].flatMap((s) => Object.values(s.tensors)));
      });
    });
  }
}
