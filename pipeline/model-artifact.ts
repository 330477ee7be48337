import * as tf from '@tensorflow/tfjs';
import type { ModelFileReader } from '../ml/models/model-file-reader.js';
import { artifactsIOHandler, readModelArtifacts } from '../ml/models/reader-io-handler.js';
import { readPart, type ArtifactPart, type Manifest } from '../store/artifact-commit.js';
import type { ArtifactStore } from '../store/artifact-store.js';

const MODEL_JSON = 'model.json';
const WEIGHTS = 'weights.bin';

/** A layers model as artifact parts in the tfjs layers format (`model.json` + one shard). */
export async function layersModelParts(model: tf.LayersModel): Promise<ArtifactPart[]> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.weightData || !saved.weightSpecs)
    throw new Error(`model ${model.name} saved no weights`);
  const weights = new Uint8Array(tf.io.concatenateArrayBuffers([saved.weightData].flat()));
  const modelJson = {
    format: 'layers-model',
    generatedBy: saved.generatedBy,
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS], weights: saved.weightSpecs }],
  };
  return [
    { name: MODEL_JSON, data: new TextEncoder().encode(JSON.stringify(modelJson)) },
    { name: WEIGHTS, data: weights },
  ];
}

/** Loads a layers model committed with `layersModelParts`, checking every part's digest. */
export async function loadLayersModelArtifact(
  store: ArtifactStore,
  manifest: Manifest,
  key: string,
): Promise<tf.LayersModel> {
  const reader: ModelFileReader = {
    uri: `${store.uri}/${key}/${MODEL_JSON}`,
    modelJsonName: MODEL_JSON,
    read: (name) => readPart(store, manifest, name),
  };
  const { artifacts } = await readModelArtifacts(reader);
  return tf.loadLayersModel(artifactsIOHandler(artifacts));
}
