import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend, type BackendName } from '../ml/backend.js';
import { extractFeatures } from '../ml/features/extract-features.js';
import { ImagePipelineOptionsSchema } from '../ml/images/image-options.js';
import { createSourceReader } from '../ml/images/read-source.js';
import { buildInceptionV3, INCEPTION_V3_FEATURE_LAYER } from '../ml/models/inception-v3.js';
import { splitModel } from '../ml/models/split-model.js';
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
    const sources = await writeBenchJpegs(join(dir, 'images'), images);
    const store = openStore(join(dir, 'store'));
    const read = createSourceReader();
    const options = {
      images: ImagePipelineOptionsSchema.parse({ size: 299 }),
      batchSize: batch,
      shardSize: 1024,
    };
    if (backend !== 'cpu') {
      await extractFeatures(sources.slice(0, batch), split, read, store, 'warm-up', options);
    }
    const start = performance.now();
    await extractFeatures(sources, split, read, store, 'timed', options);
    const seconds = (performance.now() - start) / 1000;
    return [
      {
        name: 'InceptionV3 feature extraction (JPEG → avg_pool + probabilities → shards)',
        value: images / seconds,
        unit: 'images/s',
        backend: tf.getBackend(),
        notes: `${images} images, batch ${batch}, random weights`,
      },
    ];
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
