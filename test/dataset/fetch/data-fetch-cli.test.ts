import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataFetch } from '../../../cli/commands/data-fetch.js';
import { runCli } from '../../../cli/router.js';
import { closedPort, makeFile, startRangeServer, type RangeServer } from './range-server.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `sfe data fetch …` through the real router, its output buffered. */
async function sfe(...args: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io = { out: (t: string) => (stdout += t), err: (t: string) => (stderr += t) };
  const code = await runCli(['data', 'fetch', ...args], io, [dataFetch]);
  return { code, stdout, stderr };
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

describe('sfe data fetch', () => {
  const archive = makeFile(200_000);
  let dir: string;
  let server: RangeServer | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sfe-data-fetch-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads an archive under its catalogue file name and verifies a pinned sha256', async () => {
    server = await startRangeServer({ '/mirror/a.tar': archive.body });
    const url = `${server.origin}/mirror/a.tar`;
    const r = await sfe(
      'imagenet-a',
      '--url',
      url,
      '--sha256',
      archive.sha256.toUpperCase(),
      '--dest',
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const target = path.join(dir, 'imagenet-a.tar');
    assert.deepEqual(await readFile(target), archive.body);
    assert.match(
      r.stdout,
      new RegExp(`imagenet-a: ${target} \\(downloaded, 200000 bytes, sha256 ${archive.sha256}\\)`),
    );
    assert.doesNotMatch(r.stderr, /NOT verified/);
    assert.match(r.stderr, /imagenet-a\.tar .*100%/);

    const again = await sfe('imagenet-a', '--url', url, '--sha256', archive.sha256, '--dest', dir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already present/);
    assert.equal(server.requests.length, 1);
  });

  it('prints the computed sha256 of an unpinned archive and says it was not verified', async () => {
    server = await startRangeServer({ '/o.tar': archive.body });
    const r = await sfe('imagenet-o', '--url', `${server.origin}/o.tar`, '--dest', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`NOT verified.*--sha256 ${archive.sha256}`));
    assert.deepEqual(await readFile(path.join(dir, 'imagenet-o.tar')), archive.body);
  });

  it('resumes from the .part file of an interrupted run', async () => {
    server = await startRangeServer({ '/a.tar': archive.body });
    await writeFile(path.join(dir, 'imagenet-a.tar.part'), archive.body.subarray(0, 50_000));
    const r = await sfe(
      'imagenet-a',
      '--url',
      `${server.origin}/a.tar`,
      '--sha256',
      archive.sha256,
      '--dest',
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /resuming after the 48\.8 KiB/);
    assert.deepEqual(
      server.requests.map((q) => q.range),
      ['bytes=50000-'],
    );
    assert.deepEqual(await readFile(path.join(dir, 'imagenet-a.tar')), archive.body);
  });

  it('deletes a download with the wrong sha256, names both digests and exits 1', async () => {
    server = await startRangeServer({ '/a.tar': archive.body });
    const wrong = '0'.repeat(64);
    const r = await sfe(
      'imagenet-a',
      '--url',
      `${server.origin}/a.tar`,
      '--sha256',
      wrong,
      '--dest',
      dir,
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`expected ${wrong}, found ${archive.sha256}.*deleted`));
    assert.deepEqual(await readdir(dir), []);
  });

  it('says what to do instead when the host cannot be reached, and exits 1', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/imagenet-a.tar`;
    const pinned = archive.sha256;
    const r = await sfe('imagenet-a', '--url', url, '--sha256', pinned, '--dest', dir);
    assert.equal(r.code, 1);
    const target = path.join(dir, 'imagenet-a.tar');
    assert.match(r.stderr, /cannot reach 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)/);
    assert.ok(r.stderr.includes(`download\n       ${url}\n`), r.stderr);
    assert.ok(r.stderr.includes(`copy it here as\n       ${target}\n`), r.stderr);
    assert.ok(r.stderr.includes(`expected sha256: ${pinned}`));
    assert.ok(r.stderr.includes(`data: { kind: tar, adversarialRoot: ${target} }`));
    assert.ok(
      r.stderr.includes(`data: { kind: folder, adversarialRoot: ${path.join(dir, 'imagenet-a')} }`),
    );
  });

  it('fetches a tfjs model.json and every weight shard it lists into one folder', async () => {
    const shards = [makeFile(30_000), makeFile(12_345)];
    const modelJson = JSON.stringify({
      format: 'layers-model',
      modelTopology: {},
      weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: [] }],
    });
    server = await startRangeServer({
      '/models/inc/model.json': Buffer.from(modelJson),
      '/models/inc/group1-shard1of2.bin': shards[0]!.body,
      '/models/inc/group1-shard2of2.bin': shards[1]!.body,
    });
    const r = await sfe('inceptionv3', '--url', `${server.origin}/models/inc/`, '--dest', dir);
    assert.equal(r.code, 0, r.stderr);
    const folder = path.join(dir, 'inceptionv3');
    assert.deepEqual((await readdir(dir)).sort(), ['inceptionv3']);
    assert.equal(await readFile(path.join(folder, 'model.json'), 'utf8'), modelJson);
    assert.deepEqual(await readFile(path.join(folder, 'group1-shard1of2.bin')), shards[0]!.body);
    assert.deepEqual(await readFile(path.join(folder, 'group1-shard2of2.bin')), shards[1]!.body);
    assert.ok(r.stdout.includes(`${shards[1]!.sha256}  group1-shard2of2.bin`), r.stdout);
    assert.ok(await exists(path.join(folder, 'model.json')));
  });

  it('refuses a model.json whose shard path leaves the model folder', async () => {
    server = await startRangeServer({
      '/m/model.json': Buffer.from(
        JSON.stringify({ weightsManifest: [{ paths: ['../evil.bin'] }] }),
      ),
      '/evil.bin': Buffer.from('x'),
    });
    const r = await sfe('inceptionv3', '--url', `${server.origin}/m/model.json`, '--dest', dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /outside the model folder: \.\.\/evil\.bin/);
    assert.equal(await exists(path.join(dir, 'inceptionv3')), false);
    assert.equal(await exists(path.join(dir, 'evil.bin')), false);
  });

  it('deletes a model.json that is not one, so a later run fetches it again', async () => {
    server = await startRangeServer({ '/m/model.json': Buffer.from('<html>moved</html>') });
    const r = await sfe('inceptionv3', '--url', `${server.origin}/m`, '--dest', dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/m\/model\.json is not a tfjs model\.json/);
    assert.deepEqual(await readdir(dir), []);
  });

  it('exits 2 on bad usage before downloading anything', async () => {
    for (const args of [
      ['imagenet-x'],
      ['inceptionv3'],
      ['imagenet-a', '--sha256', 'abc'],
      ['imagenet-a', 'imagenet-o', '--url', 'http://127.0.0.1:1/x.tar'],
      ['imagenet-a', '--url', 'ftp://example/x.tar'],
    ]) {
      const r = await sfe(...args, '--dest', dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^sfe data fetch: .*\nUsage: /m);
    }
    assert.deepEqual(await readdir(dir), []);
  });
});
