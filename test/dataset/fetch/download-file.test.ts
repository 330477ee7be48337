import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { downloadFile } from '../../../dataset/fetch/download-file.js';
import { ChecksumMismatchError, UnreachableError } from '../../../dataset/fetch/fetch-errors.js';
import {
  closedPort,
  makeFile,
  startRangeServer,
  startSilentServer,
  type RangeServer,
} from './range-server.js';

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

describe('downloadFile (a loopback HTTP server)', () => {
  const file = makeFile(300_000);
  let dir: string;
  let server: RangeServer | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sfe-fetch-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads the whole file, checks its sha256 and moves it into place', async () => {
    server = await startRangeServer({ '/a.tar': file.body });
    const target = path.join(dir, 'a.tar');
    const seen: number[] = [];
    const result = await downloadFile({
      url: `${server.origin}/a.tar`,
      path: target,
      sha256: file.sha256,
      onProgress: (done, total) => {
        assert.equal(total, file.body.length);
        seen.push(done);
      },
    });
    assert.deepEqual(await readFile(target), file.body);
    assert.equal(result.sha256, file.sha256);
    assert.equal(result.verified, true);
    assert.equal(result.bytes, file.body.length);
    assert.equal(seen.at(-1), file.body.length);
    assert.equal(await exists(`${target}.part`), false);
    assert.equal(server.requests[0]!.range, undefined);
  });

  it('resumes with a Range request from the part file after the server drops the connection', async () => {
    const cutAfter = 100_000;
    server = await startRangeServer({ '/a.tar': file.body }, { cutAfter });
    const target = path.join(dir, 'a.tar');
    const result = await downloadFile({
      url: `${server.origin}/a.tar`,
      path: target,
      sha256: file.sha256,
      retryDelayMs: 0,
    });
    assert.deepEqual(await readFile(target), file.body);
    assert.equal(result.verified, true);
    assert.equal(server.requests.length, 2);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1]!.range ?? '')?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= cutAfter, `resumed at ${resumedAt}`);
  });

  it('continues a part file left by an earlier run', async () => {
    server = await startRangeServer({ '/a.tar': file.body });
    const target = path.join(dir, 'a.tar');
    await writeFile(`${target}.part`, file.body.subarray(0, 123_456));
    const result = await downloadFile({
      url: `${server.origin}/a.tar`,
      path: target,
      sha256: file.sha256,
    });
    assert.deepEqual(
      server.requests.map((r) => r.range),
      ['bytes=123456-'],
    );
    assert.equal(result.resumedFrom, 123_456);
    assert.deepEqual(await readFile(target), file.body);
  });

  it('starts over when the server ignores Range and sends the whole file', async () => {
    server = await startRangeServer({ '/a.tar': file.body }, { ignoreRange: true });
    const target = path.join(dir, 'a.tar');
    await writeFile(`${target}.part`, Buffer.alloc(5_000, 7));
    await downloadFile({ url: `${server.origin}/a.tar`, path: target, sha256: file.sha256 });
    assert.deepEqual(await readFile(target), file.body);
  });

  it('takes a part file that is already complete (416) once its checksum matches', async () => {
    server = await startRangeServer({ '/a.tar': file.body });
    const target = path.join(dir, 'a.tar');
    await writeFile(`${target}.part`, file.body);
    await downloadFile({ url: `${server.origin}/a.tar`, path: target, sha256: file.sha256 });
    assert.deepEqual(await readFile(target), file.body);
  });

  it('deletes a download whose sha256 does not match and names both digests', async () => {
    server = await startRangeServer({ '/a.tar': file.body });
    const target = path.join(dir, 'a.tar');
    const wrong = 'ab'.repeat(32);
    await assert.rejects(
      downloadFile({ url: `${server.origin}/a.tar`, path: target, sha256: wrong }),
      (error: unknown) => {
        assert.ok(error instanceof ChecksumMismatchError);
        assert.equal(error.expected, wrong);
        assert.equal(error.found, file.sha256);
        assert.match(error.message, /deleted/);
        return true;
      },
    );
    assert.equal(await exists(target), false);
    assert.equal(await exists(`${target}.part`), false);
  });

  it('checks a file already in place instead of downloading it', async () => {
    server = await startRangeServer({ '/a.tar': file.body });
    const target = path.join(dir, 'a.tar');
    await writeFile(target, file.body);
    const result = await downloadFile({
      url: `${server.origin}/a.tar`,
      path: target,
      sha256: file.sha256,
    });
    assert.equal(result.present, true);
    assert.equal(server.requests.length, 0);
  });

  it('reports a refused connection as unreachable at once, without retrying', async () => {
    const port = await closedPort();
    const started = Date.now();
    await assert.rejects(
      downloadFile({
        url: `http://127.0.0.1:${port}/a.tar`,
        path: path.join(dir, 'a.tar'),
        sha256: null,
      }),
      (error: unknown) => error instanceof UnreachableError && error.reason === 'ECONNREFUSED',
    );
    assert.ok(Date.now() - started < 900, 'no retry delay before the advice');
  });

  it('reports a host that accepts but never answers as unreachable (timed out)', async () => {
    const silent = await startSilentServer();
    try {
      await assert.rejects(
        downloadFile({
          url: `${silent.origin}/a.tar`,
          path: path.join(dir, 'a.tar'),
          sha256: null,
          stallTimeoutMs: 200,
        }),
        (error: unknown) => error instanceof UnreachableError && /timed out/.test(error.message),
      );
    } finally {
      await silent.close();
    }
  });
});
