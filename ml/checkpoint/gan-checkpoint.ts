import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { MANIFEST_NAME } from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { joinKey } from '../../store/keys.js';
import { GanOptionsSchema } from '../gan/gan-options.js';
import type { GanTrainer } from '../gan/gan-trainer.js';
import { LOSS_COLUMNS, type LossHistory } from '../gan/loss-history.js';
import { RngStateSchema } from '../rng.js';
import { loadStateArtifact, saveStateArtifact } from './state-artifact.js';

const FORMAT = 'sfe-gan-checkpoint/1';

const GanCheckpointJsonSchema = z.object({
  format: z.literal(FORMAT),
  iteration: z.number().int().nonnegative(),
  dim: z.number().int().positive(),
  rng: RngStateSchema,
  options: GanOptionsSchema,
});

const HISTORY_PREFIX = 'history/';

/** Checkpoints of one training live under `<runPrefix>/checkpoints/iter-<9 digits>`. */
export function ganCheckpointPrefix(runPrefix: string, iteration: number): string {
  return joinKey(runPrefix, `checkpoints/iter-${String(iteration).padStart(9, '0')}`);
}

/** Saves the trainer's full state as a committed artifact; returns its prefix. */
export async function saveGanCheckpoint(
  store: ArtifactStore,
  runPrefix: string,
  trainer: GanTrainer,
): Promise<string> {
  const state = await trainer.exportState();
  const prefix = ganCheckpointPrefix(runPrefix, state.iteration);
  const json: z.infer<typeof GanCheckpointJsonSchema> = {
    format: FORMAT,
    iteration: state.iteration,
    dim: trainer.dim,
    rng: state.rng,
    options: trainer.options,
  };
  const tensors = { ...state.tensors };
  for (const c of LOSS_COLUMNS) tensors[`${HISTORY_PREFIX}${c}`] = tf.tensor1d(state.history[c]);
  try {
    await saveStateArtifact(
      store,
      prefix,
      { json, tensors },
      { kind: 'gan-checkpoint', iteration: state.iteration },
    );
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return prefix;
}

/**
 * Loads a checkpoint into `trainer`, which must have been built for the same feature size and
 * options (a fresh one, as after a crash). Returns the iteration it resumes from.
 */
export async function restoreGanCheckpoint(
  store: ArtifactStore,
  checkpointPrefix: string,
  trainer: GanTrainer,
): Promise<number> {
  const { json, tensors } = await loadStateArtifact(store, checkpointPrefix);
  try {
    const meta = GanCheckpointJsonSchema.parse(json);
    if (meta.dim !== trainer.dim) {
      throw new Error(
        `checkpoint ${checkpointPrefix} is for d=${meta.dim}, the trainer for d=${trainer.dim}`,
      );
    }
    // `iterations` only says where training stops: a run with a larger budget may go on from a
    // shorter one's checkpoint (successive halving promotes trials that way).
    const dynamics = (o: typeof meta.options) => JSON.stringify({ ...o, iterations: undefined });
    if (dynamics(meta.options) !== dynamics(trainer.options)) {
      throw new Error(
        `checkpoint ${checkpointPrefix} was trained with other GAN options: ${JSON.stringify(meta.options)}`,
      );
    }
    const history = Object.fromEntries(
      LOSS_COLUMNS.map((c) => {
        const t = tensors[`${HISTORY_PREFIX}${c}`];
        if (!t) throw new Error(`checkpoint ${checkpointPrefix} lacks the ${c} history`);
        return [c, Array.from(t.dataSync())];
      }),
    ) as LossHistory;
    await trainer.importState({ iteration: meta.iteration, rng: meta.rng, history, tensors });
    return meta.iteration;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** The prefix of the newest committed checkpoint of a training (at most `maxIteration`), or null. */
export async function latestGanCheckpoint(
  store: ArtifactStore,
  runPrefix: string,
  maxIteration = Infinity,
): Promise<string | null> {
  const manifests = (await store.list(joinKey(runPrefix, 'checkpoints/'))).filter((key) => {
    const iteration = /\/iter-(\d{9})\/[^/]+$/.exec(key)?.[1];
    return (
      iteration !== undefined &&
      Number(iteration) <= maxIteration &&
      key.endsWith(`/${MANIFEST_NAME}`)
    );
  });
  const newest = manifests.sort().at(-1);
  return newest === undefined ? null : newest.slice(0, -(MANIFEST_NAME.length + 1));
}
