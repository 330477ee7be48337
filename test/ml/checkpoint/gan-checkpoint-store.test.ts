import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../ml/backend.js';
import {
  ganCheckpointPrefix,
  latestGanCheckpoint,
  restoreGanCheckpoint,
  saveGanCheckpoint,
} from '../../../ml/checkpoint/gan-checkpoint.js';
import { GanTrainer } from '../../../ml/gan/gan-trainer.js';
import { readManifest } from '../../../store/artifact-commit.js';
import { decodeSafetensors } from '../../../store/safetensors.js';
import { LocalStore } from '../../../store/local-store.js';
import { syntheticPairs } from '../gan/synthetic-features.js';

describe('GAN checkpoints in the store', function () {
  this.timeout(120_000);
  const options = { hidden: [8, 8, 8], discriminatorHidden: [8, 4], batchSize: 4 };
  let root: string;
  let store: LocalStore;
  let data: ReturnType<typeof syntheticPairs>;

  before(async () => {
    await selectBackend('cpu', () => {});
    root = await mkdtemp(join(tmpdir(), 'gan-ckpt-'));
    store = new LocalStore(root);
    data = syntheticPairs(1, { pairs: 8, dim: 6 });
  });
  after(async () => {
    tf.dispose([data.benign, data.adversarial]);
    await rm(root, { recursive: true, force: true });
  });

  it('commits one artifact per checkpoint and finds the newest', async () => {
    assert.equal(await latestGanCheckpoint(store, 'runs/a'), null);
    const trainer = new GanTrainer(data, options, 1);
    const saved: string[] = [];
    await trainer.run({
      to: 25,
      checkpointEvery: 10,
      onCheckpoint: async () => void saved.push(await saveGanCheckpoint(store, 'runs/a', trainer)),
    });
    trainer.dispose();
    assert.deepEqual(saved, [ganCheckpointPrefix('runs/a', 10), ganCheckpointPrefix('runs/a', 20)]);
    assert.equal(await latestGanCheckpoint(store, 'runs/a'), ganCheckpointPrefix('runs/a', 20));

    // The tensors are plain safetensors that other tools can read, the losses among them.
    const manifest = (await readManifest(store, saved[1]!))!;
    assert.deepEqual(manifest.metadata, { kind: 'gan-checkpoint', iteration: 20 });
    const part = manifest.parts.find((p) => p.name === 'tensors.safetensors')!;
    const { tensors } = decodeSafetensors(await store.get(part.key));
    assert.equal(tensors['history/msePG']!.shape[0], 20);
    assert.deepEqual(tensors['pg/dense_out/kernel']!.shape, [6, 6]);
    assert.deepEqual(tensors['opt/g/0']!, { dtype: 'I32', shape: [], data: new Int32Array([20]) });
  });

  it('refuses to restore into a trainer built with other options', async () => {
    const checkpoint = ganCheckpointPrefix('runs/a', 20);
    const other = new GanTrainer(data, { ...options, lr: 1e-3 }, 1);
    await assert.rejects(restoreGanCheckpoint(store, checkpoint, other), /other GAN options/);
    await assert.rejects(
      restoreGanCheckpoint(store, 'runs/none/checkpoints/iter-000000001', other),
      /no committed training state/,
    );
    other.dispose();
  });
});
