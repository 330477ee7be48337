import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import { modelReaderFor } from '../ml/models/load-model.js';
import { sha256Hex } from '../store/content-address.js';
import { InputError } from './input-error.js';

export interface PinnedModel {
  uri: string;
  /** Digest of its model.json: a changed model must not pass for the one results were made with. */
  modelJsonSha256: string;
}

/** Reads a pretrained layers model's model.json (not its weights) and pins its digest. */
export async function pinPretrainedModel(
  model: ExperimentConfig['targetModel'],
): Promise<PinnedModel> {
  if (model.kind === 'graph') {
    throw new InputError(
      'targetModel.kind: graph models classify but cannot be split at a feature layer; use a layers model',
    );
  }
  if (model.uri === undefined)
    throw new InputError(`targetModel.uri: required for kind ${model.kind}`);
  try {
    const reader = await modelReaderFor(model.uri);
    return { uri: model.uri, modelJsonSha256: sha256Hex(await reader.read(reader.modelJsonName)) };
  } catch (err) {
    throw new InputError(
      `targetModel.uri: cannot read the model at ${model.uri}: ${(err as Error).message}`,
    );
  }
}
