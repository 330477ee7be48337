import * as tf from '@tensorflow/tfjs';
import { openStore, type OpenStoreOptions } from '../../store/open-store.js';
import { ModelLoadError } from './model-load-error.js';
import {
  fileModelReader,
  httpModelReader,
  storeModelReader,
  type ModelFileReader,
} from './model-file-reader.js';
import { pinnedReader, type ModelFileDigests } from './pinned-reader.js';
import { artifactsIOHandler, readModelArtifacts, type ModelFormat } from './reader-io-handler.js';

/**
 * The reader for a model URI: `http(s)://…`, `s3://bucket/prefix[/model.json]` (through the
 * artifact store, so S3 credentials and endpoint come from the same place as every artifact), or
 * `file://…` / a plain path. A URI without a `.json` file name means the folder's `model.json`.
 */
export async function modelReaderFor(
  uri: string,
  storeOptions: OpenStoreOptions = {},
): Promise<ModelFileReader> {
  if (/^https?:\/\//.test(uri)) return httpModelReader(uri);
  if (uri.startsWith('s3://')) {
    const jsonName = uri.endsWith('.json') ? uri.slice(uri.lastIndexOf('/') + 1) : 'model.json';
    const folder = uri.endsWith('.json') ? uri.slice(0, uri.lastIndexOf('/')) : uri;
    return storeModelReader(openStore(folder, storeOptions), jsonName);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith('file://')) {
    throw new ModelLoadError(uri, 'unsupported URI scheme (use file://, http(s):// or s3://)');
  }
  return fileModelReader(uri);
}

async function readChecked(
  uri: string,
  want: ModelFormat,
  storeOptions: OpenStoreOptions,
  pins?: Readonly<ModelFileDigests>,
): Promise<tf.io.ModelArtifacts> {
  const unpinned = await modelReaderFor(uri, storeOptions);
  const reader = pins === undefined ? unpinned : pinnedReader(unpinned, pins).reader;
  const { format, artifacts } = await readModelArtifacts(reader);
  if (format !== want) {
    throw new ModelLoadError(
      reader.uri,
      `it is a ${format} model, not a ${want} model (load it with ${format === 'graph' ? 'loadGraphModelFromUri' : 'loadLayersModelFromUri'})`,
    );
  }
  return artifacts;
}

/**
 * Loads a tfjs layers model (model.json + weight shards, e.g. from tensorflowjs_converter); with
 * `pins`, every file must have the digest pinned for it (see `pinModelFiles`).
 */
export async function loadLayersModelFromUri(
  uri: string,
  storeOptions: OpenStoreOptions = {},
  pins?: Readonly<ModelFileDigests>,
): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    artifactsIOHandler(await readChecked(uri, 'layers', storeOptions, pins)),
  );
}

/** Reads model.json and every weight shard it lists and returns the digest of each. */
export async function pinModelFiles(uri: string): Promise<ModelFileDigests> {
  const recording = pinnedReader(await modelReaderFor(uri));
  await readModelArtifacts(recording.reader);
  return recording.digests;
}

/** Loads a tfjs graph model (a converted SavedModel or TF Hub module). */
export async function loadGraphModelFromUri(
  uri: string,
  storeOptions: OpenStoreOptions = {},
): Promise<tf.GraphModel> {
  return tf.loadGraphModel(artifactsIOHandler(await readChecked(uri, 'graph', storeOptions)));
}

/**
 * Loads the weights of a tfjs layers model (e.g. Keras `InceptionV3(weights='imagenet')` run
 * through tensorflowjs_converter) into `model` by weight name (`<layer>/<variable>`), so a model
 * built here, such as `buildInceptionV3()`, takes converted weights without their topology.
 * Every weight of `model` must be present; extra weights in the file are an error too.
 */
export async function loadWeightsByName(
  model: tf.LayersModel,
  uri: string,
  storeOptions: OpenStoreOptions = {},
): Promise<void> {
  const artifacts = await readChecked(uri, 'layers', storeOptions);
  const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  try {
    model.loadWeights(weights, true);
  } catch (err) {
    throw new ModelLoadError(
      uri,
      `its weights do not fit model ${model.name}: ${(err as Error).message}`,
    );
  } finally {
    tf.dispose(Object.values(weights));
  }
}
