import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend, type BackendName } from '../ml/backend.js';
import { extractFeatures } from '../ml/features/extract-features.js';
import {
  ImagePipelineOptionsSchema,
  type ImagePipelineOptions,
} from '../ml/images/image-options.js';
import type { ImageSource } from '../ml/images/load-image-batch.js';
import { createSourceReader } from '../ml/images/read-source.js';
import { buildInceptionV3, INCEPTION_V3_FEATURE_LAYER } from '../ml/models/inception-v3.js';
import { compileSplitForward } from '../ml/models/split-forward.js';
import { splitModel, type SplitModel } from '../ml/models/split-model.js';
import { openStore } from '../store/open-store.js';
import { writeBenchJpegs } from './image-pipeline.js';
import type { BenchResult } from './result.js';

/** Few images on the pure-JS backend, which needs seconds per InceptionV3 image. */
const IMAGES: Record<BackendName, { images: number; batch: number }> = {
  'tensorflow-gpu': { images: 64, batch: 32 },
  tensorflow: { images: 32, batch: 16 },
  wasm: { images: 16, batch: 8 },
  cpu: { images: 2, batch: 2 },
};

export const FEATURE_EXTRACTION_NAME =
  'InceptionV3 feature extraction (JPEG → avg_pool + probabilities → shards)';

export interface ExtractionBench {
  /** The generated JPEGs, as files in the bench folder. */
  sources: ImageSource[];
  /** The image options of the run: the product's defaults for a 299² InceptionV3. */
  images: ImagePipelineOptions;
  /** Seconds of one extractFeatures run over `items` into a new `prefix` of the local store. */
  time(prefix: string, items?: readonly ImageSource[]): Promise<number>;
  /** How the model runs (split-forward.ts) and the seconds its one-time compilation took. */
  forward: { mode: string; compileSeconds: number };
  dispose(): void;
}

/**
 * The product's features stage on `count` generated photo-like JPEGs in `dir`: extractFeatures
 * with `split` (JPEG → features and head probabilities → safetensors shards in a local store).
 * The model is compiled once, outside the timings, as a worker's stage compiles it once per run
 * (and as Keras traces its function once).
 */
export async function prepareExtraction(
  dir: string,
  split: SplitModel,
  count: number,
  batchSize: number,
): Promise<ExtractionBench> {
  const sources = await writeBenchJpegs(join(dir, 'images'), count);
  const store = openStore(join(dir, 'store'));
  const read = createSourceReader();
  const images = ImagePipelineOptionsSchema.parse({ size: 299 });
  const compileStart = performance.now();
  const forward = compileSplitForward(split);
  const compileSeconds = (performance.now() - compileStart) / 1000;
  const options = { images, batchSize, shardSize: 1024, forward };
  return {
    sources,
    images,
    forward: { mode: forward.mode, compileSeconds },
    dispose: () => forward.dispose(),
    async time(prefix, items = sources) {
      const start = performance.now();
      await extractFeatures(items, split, read, store, prefix, options);
      return (performance.now() - start) / 1000;
    },
  };
}

/**
 * End-to-end feature extraction (JPEG → InceptionV3 avg_pool features and head probabilities
 * → safetensors shards in a local store) with random weights, after one warm-up batch.
 */
export async function benchFeatureExtraction(backend: BackendName): Promise<BenchResult[]> {
  await selectBackend(backend, () => {});
  const { images, batch } = IMAGES[backend];
  const dir = await mkdtemp(join(tmpdir(), 'sfe-bench-features-'));
  const model = buildInceptionV3();
  try {
    const split = splitModel(model, INCEPTION_V3_FEATURE_LAYER);
    const extraction = await prepareExtraction(dir, split, images, batch);
    if (backend !== 'cpu') await extraction.time('warm-up', extraction.sources.slice(0, batch));
    const seconds = await extraction.time('timed');
    extraction.dispose();
    const { mode, compileSeconds } = extraction.forward;
    return [
      {
        name: FEATURE_EXTRACTION_NAME,
        value: images / seconds,
        unit: 'images/s',
        backend: tf.getBackend(),
        notes: `${images} images, batch ${batch}, random weights; model run ${mode} (compiled once in ${compileSeconds.toFixed(1)} s)`,
      },
    ];
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
