import * as tf from '@tensorflow/tfjs';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { commitArtifact, type Manifest } from '../../store/artifact-commit.js';
import { encodeSafetensors } from '../../store/safetensors.js';
import type { ImageFailure } from '../images/image-failure.js';
import type { ImagePipelineOptions } from '../images/image-options.js';
import { queueImageBatch, type ImageSource } from '../images/load-image-batch.js';
import type { ReadSource } from '../images/read-source.js';
import { compileSplitForward, type SplitForward } from '../models/split-forward.js';
import type { SplitModel } from '../models/split-model.js';
import { FAILURES_PART, shardPartName } from './feature-shards.js';
import { readExtractionFailures } from './read-features.js';

export interface ExtractionProgress {
  /** Manifest items processed so far, decoded or failed. */
  done: number;
  total: number;
  failed: number;
}

export interface FeatureExtractionOptions {
  images: ImagePipelineOptions;
  /** Images per forward pass. */
  batchSize: number;
  /** Manifest items per safetensors shard. */
  shardSize: number;
  /** Awaited after each batch (e.g. to heartbeat). */
  onProgress?: (progress: ExtractionProgress) => void | Promise<void>;
  /**
   * The model compiled by the caller (compileSplitForward), for callers that extract several
   * times with one model; it stays theirs to dispose. Without it each call compiles its own.
   */
  forward?: SplitForward;
  /** Stored in the artifact manifest's metadata beside the extraction's own fields. */
  metadata?: Record<string, string | number | boolean>;
}

export interface FeatureExtractionResult {
  manifest: Manifest;
  /** False when an earlier run had already committed this artifact: nothing was computed. */
  computed: boolean;
  failures: ImageFailure[];
  /** How the model ran (split-forward.ts), e.g. "one TensorFlow graph". */
  forward: string;
}

function outputWidth(model: tf.LayersModel): number {
  const shape = model.outputs[0]!.shape;
  if (shape.length !== 2) throw new Error(`head output shape ${shape} is not [batch, classes]`);
  return shape[1]!;
}

/**
 * Extracts features and undefended head outputs for `items` and commits them under `prefix` as
 * safetensors shards (see feature-shards.ts). Shards are produced lazily, one at a time, as the
 * commit writes them, so memory holds one shard and one batch (and the decoded pixels of the
 * next) whatever the number of images.
 * Images that cannot be read or decoded are skipped and listed in `failures.json`.
 */
export async function extractFeatures(
  items: readonly ImageSource[],
  model: Pick<SplitModel, 'backbone' | 'head' | 'featureShape'>,
  read: ReadSource,
  store: ArtifactStore,
  prefix: string,
  options: FeatureExtractionOptions,
): Promise<FeatureExtractionResult> {
  if (model.featureShape.length !== 1) {
    throw new Error(`features must be vectors; the feature layer outputs [${model.featureShape}]`);
  }
  const d = model.featureShape[0]!;
  const classes = outputWidth(model.head);
  const failures: ImageFailure[] = [];
  const progress: ExtractionProgress = { done: 0, total: items.length, failed: 0 };
  let computed = false;
  // Compiled at the first shard to compute: a run that finds the artifact committed needs none.
  let forward: SplitForward | undefined = options.forward;

  async function shardBytes(first: number): Promise<Uint8Array> {
    computed = true;
    const compiled = (forward ??= compileSplitForward(model));
    const shardItems = items.slice(first, first + options.shardSize);
    const features = new Float32Array(shardItems.length * d);
    const probabilities = new Float32Array(shardItems.length * classes);
    const index = new Int32Array(shardItems.length);
    const ids: string[] = [];
    const queue = (start: number) =>
      queueImageBatch(shardItems.slice(start, start + options.batchSize), options.images, read);
    let queued = await queue(0);
    for (let start = 0; start < shardItems.length; start += options.batchSize) {
      const sources = shardItems.slice(start, start + options.batchSize);
      const batch = await queued.finish();
      // The next batch decodes on sharp's threads during this batch's (blocking) forward pass.
      const next = start + options.batchSize;
      if (next < shardItems.length) queued = await queue(next);
      failures.push(...batch.failures);
      if (batch.images) {
        const [f, p] = tf.tidy(() => {
          const [feats, outputs] = compiled.run(batch.images!);
          return [feats.dataSync(), outputs.dataSync()];
        });
        batch.images.dispose();
        features.set(f, ids.length * d);
        probabilities.set(p, ids.length * classes);
        batch.ids.forEach((id, i) => {
          index[ids.length] = first + start + batch.positions[i]!;
          ids.push(id);
        });
      }
      progress.done += sources.length;
      progress.failed += batch.failures.length;
      await options.onProgress?.({ ...progress });
      // Forward passes block the event loop; let timers (heartbeats) run between batches.
      await new Promise(setImmediate);
    }
    const n = ids.length;
    return encodeSafetensors(
      {
        features: { dtype: 'F32', shape: [n, d], data: features.subarray(0, n * d) },
        probabilities: {
          dtype: 'F32',
          shape: [n, classes],
          data: probabilities.subarray(0, n * classes),
        },
        index: { dtype: 'I32', shape: [n], data: index.subarray(0, n) },
      },
      { ids: JSON.stringify(ids) },
    );
  }

  const lazy = (produce: () => Promise<Uint8Array>): Readable =>
    Readable.from(
      (async function* () {
        yield await produce();
      })(),
      { objectMode: false },
    );

  const shardCount = Math.ceil(items.length / options.shardSize);
  const parts = Array.from({ length: shardCount }, (_, k) => ({
    name: shardPartName(k),
    data: lazy(() => shardBytes(k * options.shardSize)),
  }));
  parts.push({
    name: FAILURES_PART,
    data: lazy(async () => new TextEncoder().encode(JSON.stringify(failures, null, 2))),
  });
  let manifest: Manifest;
  try {
    manifest = await commitArtifact(store, prefix, parts, {
      ...options.metadata,
      kind: 'features',
      items: items.length,
      shards: shardCount,
      shardSize: options.shardSize,
      featureDim: d,
      classes,
      images: { ...options.images },
    });
  } finally {
    if (forward !== options.forward) forward?.dispose();
  }
  // A run that found the artifact committed computed nothing; report the committed failures.
  return {
    manifest,
    computed,
    failures: computed ? failures : await readExtractionFailures(store, prefix),
    forward: forward?.mode ?? 'not run: the artifact was committed',
  };
}
