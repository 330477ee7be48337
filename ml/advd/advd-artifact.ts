import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { loadStateArtifact, saveStateArtifact } from '../checkpoint/state-artifact.js';
import { AdvDetector } from './adv-detector.js';
import { buildAdvdModel } from './advd-model.js';
import { AdvdOptionsSchema, type AdvdOptions } from './advd-options.js';
import { Standardizer } from './standardizer.js';

const FORMAT = 'sfe-advd/1';

const AdvdJsonSchema = z.object({
  format: z.literal(FORMAT),
  inputDim: z.number().int().positive(),
  options: AdvdOptionsSchema,
});

/** Commits a trained AdvD (weights, BatchNorm statistics, standardisation) under `prefix`. */
export async function saveAdvd(
  store: ArtifactStore,
  prefix: string,
  detector: AdvDetector,
  options: AdvdOptions,
): Promise<void> {
  const tensors: Record<string, tf.Tensor> = {
    'standardizer/mean': detector.standardizer.mean,
    'standardizer/std': detector.standardizer.std,
  };
  for (const w of detector.model.weights) tensors[`model/${w.originalName}`] = w.read();
  const json: z.infer<typeof AdvdJsonSchema> = {
    format: FORMAT,
    inputDim: detector.inputDim,
    options,
  };
  await saveStateArtifact(store, prefix, { json, tensors }, { kind: 'advd' });
}

/** Loads an AdvD saved by `saveAdvd`, ready for `predict`. */
export async function loadAdvd(store: ArtifactStore, prefix: string): Promise<AdvDetector> {
  const { json, tensors } = await loadStateArtifact(store, prefix);
  const { 'standardizer/mean': mean, 'standardizer/std': std, ...weights } = tensors;
  if (!mean || !std) {
    tf.dispose(Object.values(tensors));
    throw new Error(`AdvD artifact ${prefix} lacks its standardisation`);
  }
  const meta = AdvdJsonSchema.parse(json);
  const model = buildAdvdModel(meta.inputDim, meta.options);
  try {
    model.setWeights(
      model.weights.map((w) => {
        const t = weights[`model/${w.originalName}`];
        if (!t) throw new Error(`AdvD artifact ${prefix} lacks model/${w.originalName}`);
        return t;
      }),
    );
  } catch (error) {
    model.dispose();
    tf.dispose(Object.values(tensors));
    throw error;
  }
  tf.dispose(Object.values(weights)); // the model's variables hold their own references
  return new AdvDetector(model, Standardizer.of(mean as tf.Tensor1D, std as tf.Tensor1D));
}
