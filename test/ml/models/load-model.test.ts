import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, truncate, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../../../ml/backend.js';
import { dropBackgroundClass, predictHubClassifier } from '../../../ml/models/hub-classes.js';
import {
  loadGraphModelFromUri,
  loadLayersModelFromUri,
  loadWeightsByName,
} from '../../../ml/models/load-model.js';
import { buildSmallCnn } from '../../../ml/models/small-cnn.js';
import { openStore } from '../../../store/open-store.js';
import { createS3Client, ensureBucket } from '../../../store/s3-store.js';
import { s3TestEndpoint } from '../../setup/services.js';
import { saveLayersModelFiles, writeHubLikeGraphModel } from './model-files.js';

function serveFolder(folder: string): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    const path = join(folder, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    stat(path).then(
      () => createReadStream(path).pipe(res),
      () => res.writeHead(404).end('not found'),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

function assertSamePredictions(a: tf.LayersModel, b: tf.LayersModel): void {
  tf.tidy(() => {
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 21);
    const diff = (a.predict(x) as tf.Tensor)
      .sub(b.predict(x) as tf.Tensor)
      .abs()
      .max();
    assert.equal(diff.dataSync()[0], 0);
  });
}

describe('loadLayersModelFromUri / loadGraphModelFromUri', function () {
  let dir: string;
  let original: tf.LayersModel;
  let served: { server: Server; baseUrl: string };

  before(async function () {
    await selectBackend('cpu', () => {});
    dir = await mkdtemp(join(tmpdir(), 'sfe-load-model-'));
    original = buildSmallCnn({ numClasses: 5, seed: 8, inputSize: 32 });
    await saveLayersModelFiles(original, join(dir, 'cnn'));
    served = await serveFolder(dir);
  });
  after(async function () {
    original.dispose();
    served.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a layers model from a plain folder path and from a file:// URI of model.json', async function () {
    for (const uri of [join(dir, 'cnn'), pathToFileURL(join(dir, 'cnn', 'model.json')).href]) {
      const loaded = await loadLayersModelFromUri(uri);
      assertSamePredictions(original, loaded);
      loaded.dispose();
    }
  });

  it('loads weights by name into a model built here', async function () {
    const other = buildSmallCnn({ numClasses: 5, seed: 99, inputSize: 32 });
    await loadWeightsByName(other, join(dir, 'cnn'));
    assertSamePredictions(original, other);
    other.dispose();
    const wrong = buildSmallCnn({ numClasses: 7, seed: 8, inputSize: 32 });
    await assert.rejects(
      loadWeightsByName(wrong, join(dir, 'cnn')),
      /its weights do not fit model/,
    );
    wrong.dispose();
  });

  it('loads a layers model over http', async function () {
    const loaded = await loadLayersModelFromUri(`${served.baseUrl}/cnn/model.json`);
    assertSamePredictions(original, loaded);
    loaded.dispose();
  });

  it('loads a layers model from s3 through the artifact store', async function () {
    const s3 = await s3TestEndpoint();
    await ensureBucket(createS3Client(s3), 'sfe-models');
    const store = openStore('s3://sfe-models/zoo/cnn', { s3 });
    for (const name of await readdir(join(dir, 'cnn'))) {
      await store.put(name, new Uint8Array(await readFile(join(dir, 'cnn', name))));
    }
    const loaded = await loadLayersModelFromUri('s3://sfe-models/zoo/cnn/model.json', { s3 });
    assertSamePredictions(original, loaded);
    loaded.dispose();
    await store.delete('group1-shard1of1');
    await assert.rejects(
      loadLayersModelFromUri('s3://sfe-models/zoo/cnn', { s3 }),
      /cannot load model s3:\/\/sfe-models\/zoo\/cnn\/model\.json: missing file group1-shard1of1/,
    );
  });

  it('names the URI and the missing file when model.json or a shard is absent', async function () {
    await assert.rejects(loadLayersModelFromUri(join(dir, 'nowhere')), (err: Error) => {
      assert.match(err.message, /cannot load model .*nowhere\/model\.json: missing file/);
      return true;
    });
    const broken = join(dir, 'no-shard');
    const { shard } = await saveLayersModelFiles(original, broken);
    await unlink(shard);
    await assert.rejects(
      loadLayersModelFromUri(`${served.baseUrl}/no-shard/`),
      /cannot load model http:\/\/127\.0\.0\.1:\d+\/no-shard\/model\.json: missing file .*group1-shard1of1/,
    );
  });

  it('reports a truncated shard by its byte count', async function () {
    const folder = join(dir, 'short-shard');
    const { shard } = await saveLayersModelFiles(original, folder);
    await truncate(shard, 100);
    await assert.rejects(
      loadLayersModelFromUri(folder),
      /weight shards hold 100 bytes but the weight specs need \d+/,
    );
  });

  it('loads a TF Hub–style graph model and maps 1001 scores to the classes without background', async function () {
    const folder = join(dir, 'hub');
    // Columns: background, class 0, class 1, class 2.
    const w = new Float32Array([9, 1, 2, 3, 9, 4, 5, 6]);
    await writeHubLikeGraphModel(folder, w, 3);
    const model = await loadGraphModelFromUri(`${served.baseUrl}/hub`);
    const scores = tf.tidy(() => predictHubClassifier(model, tf.tensor2d([[1, 1]]), 3));
    assert.deepEqual(Array.from(scores.dataSync()), [1 + 4, 2 + 5, 3 + 6]);
    scores.dispose();
    model.dispose();
    await assert.rejects(loadLayersModelFromUri(folder), /it is a graph model, not a layers model/);
    await assert.rejects(
      loadGraphModelFromUri(join(dir, 'cnn')),
      /it is a layers model, not a graph model/,
    );
  });

  it('dropBackgroundClass refuses scores of the wrong width', function () {
    const scores = tf.zeros([1, 7]) as tf.Tensor2D;
    assert.throws(() => dropBackgroundClass(scores, 5), /expected 5 class scores, or 6/);
    scores.dispose();
  });
});
