import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { InvalidKeyError } from '../../store/artifact-store.js';
import { LocalStore } from '../../store/local-store.js';
import { createS3Client, ensureBucket, S3Store } from '../../store/s3-store.js';
import { s3TestEndpoint } from '../setup/services.js';
import { describeStoreSuite } from './store-suite.js';

const localRoots: string[] = [];

async function makeLocalStore(): Promise<LocalStore> {
  const root = await mkdtemp(join(tmpdir(), 'sfe-local-store-'));
  localRoots.push(root);
  return new LocalStore(root);
}

after(async function () {
  await Promise.all(localRoots.map((root) => rm(root, { recursive: true, force: true })));
});

describeStoreSuite('local folder', async () => ({ store: await makeLocalStore(), env: {} }));

/** One bucket per test run, one fresh key prefix per test. */
let bucket: Promise<{ bucket: string; env: Record<string, string> }> | undefined;

async function makeS3Store(): Promise<S3Store> {
  bucket ??= (async () => {
    const endpoint = await s3TestEndpoint();
    const name = `sfe-test-${randomBytes(6).toString('hex')}`;
    await ensureBucket(createS3Client(endpoint), name);
    const env = {
      SFE_S3_ENDPOINT: endpoint.endpoint,
      AWS_ACCESS_KEY_ID: endpoint.accessKeyId,
      AWS_SECRET_ACCESS_KEY: endpoint.secretAccessKey,
      AWS_REGION: endpoint.region,
    };
    return { bucket: name, env };
  })();
  const { bucket: name, env } = await bucket;
  return new S3Store(createS3Client({}, env), name, `t-${randomBytes(6).toString('hex')}`);
}

describeStoreSuite(
  'S3 on versitygw',
  async () => ({ store: await makeS3Store(), env: (await bucket)?.env ?? {} }),
  {
    nonAtomicPutIfAbsent:
      'versitygw 1.7 checks If-None-Match before writing, so simultaneous writers can both pass',
  },
);

describe('LocalStore specifics', function () {
  it('hides in-progress temp files from list and leaves none after a failed write', async function () {
    const store = await makeLocalStore();
    const root = new URL(store.uri).pathname;
    await store.put('a/kept', Buffer.from('x'));
    await writeFile(join(root, 'a', '.sfe-tmp-kept-123'), 'half written');
    assert.deepEqual(await store.list(''), ['a/kept']);

    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('partial');
      throw new Error('crash');
    }
    await assert.rejects(store.putStream('a/new', Readable.from(failing())), /crash/);
    assert.deepEqual((await readdir(join(root, 'a'))).sort(), ['.sfe-tmp-kept-123', 'kept']);
    await assert.rejects(store.put('a/.sfe-tmp-x', Buffer.from('x')), InvalidKeyError);
  });

  it('prunes folders emptied by delete', async function () {
    const store = await makeLocalStore();
    const root = new URL(store.uri).pathname;
    await store.put('deep/er/key', Buffer.from('x'));
    await store.put('deep/sibling', Buffer.from('y'));
    await store.delete('deep/er/key');
    assert.deepEqual(await readdir(join(root, 'deep')), ['sibling']);
    await store.delete('deep/sibling');
    assert.deepEqual(await readdir(root), []);
  });
});

describe('S3Store specifics', function () {
  it('uploads objects above the part size in several parts', async function () {
    const store = await makeS3Store();
    await store.put('multi', randomBytes(20 * 1024 * 1024));
    await store.put('single', randomBytes(1024));
    const etag = async (key: string) =>
      (
        await store.client.send(
          new HeadObjectCommand({
            Bucket: store.bucket,
            Key: `${new URL(store.uri).pathname.slice(1)}/${key}`,
          }),
        )
      ).ETag ?? '';
    // A multipart ETag ends in -<number of parts>: 20 MiB in 8 MiB parts makes three.
    assert.match(await etag('multi'), /-3"?$/);
    assert.doesNotMatch(await etag('single'), /-\d+"?$/);
  });
});
