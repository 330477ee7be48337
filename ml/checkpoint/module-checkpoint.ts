import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { ModuleTrainingOptionsSchema } from '../defense/defense-options.js';
import type { ModuleTrainer } from '../defense/module-trainer.js';
import { RngStateSchema } from '../rng.js';
import { ganCheckpointPrefix } from './gan-checkpoint.js';
import { loadStateArtifact, saveStateArtifact } from './state-artifact.js';

const FORMAT = 'sfe-module-checkpoint/1';

const ModuleCheckpointJsonSchema = z.object({
  format: z.literal(FORMAT),
  epoch: z.number().int().nonnegative(),
  dim: z.number().int().positive(),
  rng: RngStateSchema,
  options: ModuleTrainingOptionsSchema,
  history: z.array(
    z.object({
      phase: z.enum(['benign', 'adversarial']),
      loss: z.number(),
      mse: z.number(),
      crossEntropy: z.number(),
    }),
  ),
});

/**
 * Saves a module training's full state under `<runPrefix>/checkpoints/iter-<epoch>` (the GAN's
 * layout, so `latestGanCheckpoint` finds the newest); returns its prefix.
 */
export async function saveModuleCheckpoint(
  store: ArtifactStore,
  runPrefix: string,
  trainer: ModuleTrainer,
): Promise<string> {
  const state = await trainer.exportState();
  const prefix = ganCheckpointPrefix(runPrefix, state.epoch);
  const json: z.infer<typeof ModuleCheckpointJsonSchema> = {
    format: FORMAT,
    epoch: state.epoch,
    dim: trainer.dim,
    rng: state.rng,
    options: trainer.options,
    history: state.history,
  };
  try {
    await saveStateArtifact(
      store,
      prefix,
      { json, tensors: state.tensors },
      { kind: 'module-checkpoint', epoch: state.epoch },
    );
  } finally {
    tf.dispose(Object.values(state.tensors));
  }
  return prefix;
}

/** Loads a checkpoint into a fresh trainer of the same module, data width and options. */
export async function restoreModuleCheckpoint(
  store: ArtifactStore,
  checkpointPrefix: string,
  trainer: ModuleTrainer,
): Promise<number> {
  const { json, tensors } = await loadStateArtifact(store, checkpointPrefix);
  try {
    const meta = ModuleCheckpointJsonSchema.parse(json);
    if (meta.dim !== trainer.dim)
      throw new Error(`checkpoint ${checkpointPrefix} is for d=${meta.dim}, not ${trainer.dim}`);
    if (JSON.stringify(meta.options) !== JSON.stringify(trainer.options))
      throw new Error(`checkpoint ${checkpointPrefix} was trained with other options`);
    await trainer.importState({ epoch: meta.epoch, rng: meta.rng, history: meta.history, tensors });
    return meta.epoch;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
