import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../ml/backend.js';
import { ImagePipelineOptionsSchema } from '../../../ml/images/image-options.js';
import { loadImageBatch, queueImageBatch } from '../../../ml/images/load-image-batch.js';
import { createSourceReader } from '../../../ml/images/read-source.js';
import { noise, paint, writeFixture } from './image-fixtures.js';

describe('loadImageBatch', function () {
  let dir: string;
  before(async function () {
    await selectBackend('cpu', () => {});
    dir = await mkdtemp(join(tmpdir(), 'sfe-images-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('batches the good images and reports each bad one without losing the batch', async function () {
    const good1 = await writeFixture(
      dir,
      'a.jpg',
      await paint(60, 40, () => [255, 0, 0])
        .jpeg()
        .toBuffer(),
    );
    const good2 = await writeFixture(
      dir,
      'b.png',
      await paint(30, 30, () => [0, 0, 255])
        .png()
        .toBuffer(),
    );
    const empty = await writeFixture(dir, 'empty.jpg', new Uint8Array(0));
    const text = await writeFixture(dir, 'notes.jpg', 'not an image');
    const jpeg = await noise(300, 200).jpeg().toBuffer();
    const truncated = await writeFixture(dir, 'cut.jpg', jpeg.subarray(0, jpeg.length >> 1));
    const sources = [
      { id: 'empty', uri: empty },
      { id: 'a', uri: pathToFileURL(good1).href },
      { id: 'text', uri: text },
      { id: 'missing', uri: join(dir, 'nope.jpg') },
      { id: 'b', uri: good2 },
      { id: 'cut', uri: truncated },
    ];
    const options = ImagePipelineOptionsSchema.parse({ size: 16, preprocessing: 'keras' });
    const batch = await loadImageBatch(sources, options, createSourceReader());
    assert.deepEqual(batch.ids, ['a', 'b']);
    assert.deepEqual(
      batch.failures.map((f) => [f.id, f.code]),
      [
        ['empty', 'empty'],
        ['text', 'unsupported-format'],
        ['missing', 'unreadable'],
        ['cut', 'corrupt'],
      ],
    );
    assert.match(batch.failures[2]!.reason, /ENOENT/);
    assert.deepEqual(batch.images!.shape, [2, 16, 16, 3]);
    const centre = batch
      .images!.slice([0, 8, 8, 0], [2, 1, 1, 3])
      .reshape([2, 3])
      .arraySync() as number[][];
    batch.images!.dispose();
    // Keras preprocessing maps 255 → 1 and 0 → −1 (JPEG allows a little colour error).
    centre[0]!.forEach((v, c) => assert.ok(Math.abs(v - [1, -1, -1][c]!) < 0.05, `${centre[0]}`));
    assert.deepEqual(centre[1], [-1, -1, 1]);
  });

  it('preprocesses to [0,1] and to ImageNet mean/std', async function () {
    const path = await writeFixture(
      dir,
      'grey.png',
      await paint(8, 8, () => [51, 102, 204])
        .png()
        .toBuffer(),
    );
    const read = createSourceReader();
    const expectations = {
      unit: [51 / 255, 102 / 255, 204 / 255],
      imagenet: [(0.2 - 0.485) / 0.229, (0.4 - 0.456) / 0.224, (0.8 - 0.406) / 0.225],
      keras: [51 / 127.5 - 1, 102 / 127.5 - 1, 204 / 127.5 - 1],
    } as const;
    for (const [preprocessing, expected] of Object.entries(expectations)) {
      const options = ImagePipelineOptionsSchema.parse({ size: 4, preprocessing });
      const batch = await loadImageBatch([{ id: 'g', uri: path }], options, read);
      const values = tf.tidy(() =>
        Array.from(batch.images!.slice([0, 2, 2, 0], [1, 1, 1, 3]).dataSync()),
      );
      batch.images!.dispose();
      values.forEach((v, c) =>
        assert.ok(Math.abs(v - expected[c]!) < 1e-5, `${preprocessing}: ${values}`),
      );
    }
  });

  it('decodes a queued batch while the main thread is blocked, as loadImageBatch would', async function () {
    const sources = [];
    for (let i = 0; i < 6; i++) {
      // Large enough that decoding dominates a serial load (what the queue moves off the main
      // thread) over the callbacks and preprocessing that finish() still does on it.
      const bytes = await noise(2400, 1800, i + 1)
        .jpeg()
        .toBuffer();
      // Image 3's header reads but its pixels do not: a failure of the queued decode itself.
      const kept = i === 3 ? bytes.subarray(0, bytes.length >> 1) : bytes;
      sources.push({ id: `n${i}`, uri: await writeFixture(dir, `noise-${i}.jpg`, kept) });
    }
    sources.splice(1, 0, { id: 'missing', uri: join(dir, 'absent.jpg') });
    const options = ImagePipelineOptionsSchema.parse({ size: 32 });
    const read = createSourceReader();
    await loadImageBatch(sources, options, read).then((b) => b.images?.dispose());
    let start = performance.now();
    const direct = await loadImageBatch(sources, options, read);
    const serialMs = performance.now() - start;

    const queued = await queueImageBatch(sources, options, read);
    // Blocks the main thread as a native forward pass does, long enough for the decodes.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4 * serialMs + 500);
    start = performance.now();
    const batch = await queued.finish();
    const finishMs = performance.now() - start;

    assert.ok(finishMs < serialMs / 2, `finish took ${finishMs} ms, a serial load ${serialMs} ms`);
    assert.deepEqual(batch.ids, direct.ids);
    assert.deepEqual(batch.positions, [0, 2, 3, 5, 6]);
    assert.deepEqual(batch.positions, direct.positions);
    assert.deepEqual(
      batch.failures.map((f) => [f.id, f.code]),
      [
        ['missing', 'unreadable'],
        ['n3', 'corrupt'],
      ],
    );
    // libvips keeps one error buffer for its threads, so with decodes running at once a corrupt
    // file's reason may read 'Unknown error': compare everything but the wording.
    const withoutReason = (f: { id: string; uri: string; code: string; reason: string }) => {
      assert.ok(f.reason.length > 0);
      return [f.id, f.uri, f.code];
    };
    assert.deepEqual(batch.failures.map(withoutReason), direct.failures.map(withoutReason));
    assert.deepEqual(batch.images!.dataSync(), direct.images!.dataSync());
    tf.dispose([batch.images!, direct.images!]);
  });

  it('returns no tensor when every image fails', async function () {
    const options = ImagePipelineOptionsSchema.parse({ size: 8 });
    const batch = await loadImageBatch(
      [{ id: 'x', uri: join(dir, 'absent.png') }],
      options,
      createSourceReader(),
    );
    assert.equal(batch.images, undefined);
    assert.deepEqual(batch.ids, []);
    assert.equal(batch.failures.length, 1);
  });
});
