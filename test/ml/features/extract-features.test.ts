import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../../ml/backend.js';
import { extractFeatures, type ExtractionProgress } from '../../../ml/features/extract-features.js';
import { readExtractionFailures, readFeatureShards } from '../../../ml/features/read-features.js';
import { ImagePipelineOptionsSchema } from '../../../ml/images/image-options.js';
import { loadImageBatch } from '../../../ml/images/load-image-batch.js';
import { createSourceReader } from '../../../ml/images/read-source.js';
import { buildSmallCnn } from '../../../ml/models/small-cnn.js';
import { splitModel } from '../../../ml/models/split-model.js';
import { openStore } from '../../../store/open-store.js';
import { paint, writeFixture } from '../images/image-fixtures.js';

describe('extractFeatures', function () {
  let dir: string;
  const images = ImagePipelineOptionsSchema.parse({ size: 32 });

  before(async function () {
    await selectBackend('cpu', () => {});
    dir = await mkdtemp(join(tmpdir(), 'sfe-features-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes shards equal to a direct model call, skipping and reporting a bad image', async function () {
    const items = [];
    for (let i = 0; i < 10; i++) {
      const bytes =
        i === 6
          ? new TextEncoder().encode('not an image')
          : await paint(40 + i, 36, (x, y) => [
              (x * 7 + i * 20) % 256,
              (y * 5) % 256,
              (i * 25) % 256,
            ])
              .png()
              .toBuffer();
      items.push({
        id: `img-${i}`,
        uri: await writeFixture(join(dir, 'images'), `${i}.png`, bytes),
      });
    }
    const model = buildSmallCnn({ numClasses: 6, seed: 4, inputSize: 32 });
    const split = splitModel(model, 'avg_pool');
    const store = openStore(join(dir, 'store'));
    const read = createSourceReader();
    const seen: ExtractionProgress[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const tensorsBetweenBatches: number[] = [];

    const result = await extractFeatures(items, split, read, store, 'features/run-1', {
      images,
      batchSize: 3,
      shardSize: 4,
      onProgress: (p) => {
        seen.push(p);
        tensorsBetweenBatches.push(tf.memory().numTensors);
      },
    });

    // Streaming: between batches no image or feature tensor is alive, however many were done.
    assert.deepEqual(
      tensorsBetweenBatches,
      seen.map(() => tensorsBefore),
    );
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor outlives its batch');
    assert.equal(result.computed, true);
    assert.deepEqual(
      result.failures.map((f) => [f.id, f.code]),
      [['img-6', 'unsupported-format']],
    );
    assert.deepEqual(await readExtractionFailures(store, 'features/run-1'), result.failures);
    // Shards of 4 items, batches of 3 within each: 3+1, 3+1, 2.
    assert.deepEqual(
      seen.map((p) => p.done),
      [3, 4, 7, 8, 10],
    );
    assert.deepEqual(seen.at(-1), { done: 10, total: 10, failed: 1 });
    assert.equal(result.manifest.metadata.featureDim, 64);

    const good = items.filter((item) => item.id !== 'img-6');
    const direct = await loadImageBatch(good, images, read);
    const expectedFeatures = split.backbone.predict(direct.images!) as tf.Tensor2D;
    const expectedProbs = model.predict(direct.images!) as tf.Tensor2D;
    const features = expectedFeatures.arraySync();
    const probs = expectedProbs.arraySync();
    tf.dispose([direct.images!, expectedFeatures, expectedProbs]);

    const rows: { id: string; index: number; f: number[]; p: number[] }[] = [];
    const shardSizes: number[] = [];
    for await (const shard of readFeatureShards(store, 'features/run-1')) {
      assert.equal(shard.featureDim, 64);
      assert.equal(shard.classes, 6);
      shardSizes.push(shard.ids.length);
      shard.ids.forEach((id, r) =>
        rows.push({
          id,
          index: shard.index[r]!,
          f: Array.from(shard.features.subarray(r * 64, (r + 1) * 64)),
          p: Array.from(shard.probabilities.subarray(r * 6, (r + 1) * 6)),
        }),
      );
    }
    assert.deepEqual(shardSizes, [4, 3, 2]);
    assert.deepEqual(
      rows.map((r) => r.id),
      good.map((g) => g.id),
    );
    assert.deepEqual(
      rows.map((r) => r.index),
      [0, 1, 2, 3, 4, 5, 7, 8, 9],
    );
    rows.forEach((row, i) => {
      row.f.forEach((v, j) => assert.ok(Math.abs(v - features[i]![j]!) < 1e-5));
      row.p.forEach((v, j) => assert.ok(Math.abs(v - probs[i]![j]!) < 1e-6));
    });

    const again = await extractFeatures(items, split, read, store, 'features/run-1', {
      images,
      batchSize: 3,
      shardSize: 4,
    });
    assert.equal(again.computed, false, 'a committed artifact is not recomputed');
    assert.equal(again.manifest.writeId, result.manifest.writeId);
    assert.deepEqual(again.failures, result.failures);
    model.dispose();
  });
});
