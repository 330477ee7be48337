import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStore } from '../../store/local-store.js';
import { openStore, parseS3Uri, StoreUriError } from '../../store/open-store.js';
import { S3Store } from '../../store/s3-store.js';

describe('openStore', function () {
  let dir: string;

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'sfe-open-store-'));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens file URLs, absolute paths and relative paths as the same local folder', async function () {
    const viaUrl = openStore(pathToFileURL(dir).href);
    const viaAbsolute = openStore(dir);
    const viaRelative = openStore(relative(process.cwd(), dir));
    const viaCwd = openStore('.', { cwd: dir });
    for (const store of [viaUrl, viaAbsolute, viaRelative, viaCwd]) {
      assert.ok(store instanceof LocalStore);
      assert.equal(store.uri, pathToFileURL(dir).href);
    }
    await viaUrl.put('x/y', Buffer.from('shared'));
    assert.equal(Buffer.from(await viaRelative.get('x/y')).toString(), 'shared');
  });

  it('opens s3 URIs with bucket and prefix, connecting as told', async function () {
    const store = openStore('s3://my-bucket/runs/exp1/', {
      s3: { endpoint: 'http://127.0.0.1:7070', accessKeyId: 'k', secretAccessKey: 's' },
    });
    assert.ok(store instanceof S3Store);
    assert.equal(store.uri, 's3://my-bucket/runs/exp1');
    assert.equal(store.bucket, 'my-bucket');
    const endpoint = await store.client.config.endpoint?.();
    assert.equal(
      `${endpoint?.protocol}//${endpoint?.hostname}:${endpoint?.port}`,
      'http://127.0.0.1:7070',
    );
    assert.equal(await store.client.config.forcePathStyle, true);
    assert.equal(await store.client.config.region(), 'us-east-1');
  });

  it('parses s3 URIs with and without a prefix', function () {
    assert.deepEqual(parseS3Uri('s3://bucket'), { bucket: 'bucket', prefix: '' });
    assert.deepEqual(parseS3Uri('s3://bucket/'), { bucket: 'bucket', prefix: '' });
    assert.deepEqual(parseS3Uri('s3://b.u-c/a/b'), { bucket: 'b.u-c', prefix: 'a/b' });
  });

  const bad: [string, RegExp][] = [
    ['', /the URI is empty/],
    ['http://example.com/x', /the scheme "http:" is not supported/],
    ['gs://bucket/x', /the scheme "gs:" is not supported/],
    ['s3:bucket/x', /the scheme must be followed by \/\//],
    ['file:relative/x', /the scheme must be followed by \/\//],
    ['s3://', /"" is not a bucket name/],
    ['s3://Upper/x', /"Upper" is not a bucket name/],
    ['s3://ab/x', /"ab" is not a bucket name/],
    ['s3://bucket/a/../b', /the prefix is unusable: .*"\.\." segment/],
    ['s3://bucket/a//b', /the prefix is unusable: .*empty segments/],
    ['s3://bucket/x?versionId=1', /an s3 URI takes no query or fragment/],
    ['file://otherhost/data', /not a local file URL/],
    ['file:///data#frag', /a file URI takes no query or fragment/],
  ];
  for (const [uri, problem] of bad) {
    it(`rejects ${JSON.stringify(uri)}, naming the URI and what was expected`, function () {
      assert.throws(
        () => openStore(uri),
        (error: unknown) => {
          assert.ok(error instanceof StoreUriError);
          assert.match(error.message, problem);
          assert.ok(error.message.includes(JSON.stringify(uri)), 'the message names the URI');
          assert.match(error.message, /expected s3:\/\/bucket\/prefix, file:\/\/\/absolute\/path/);
          return true;
        },
      );
    });
  }
});
