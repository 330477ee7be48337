import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  ArtifactNotFoundError,
  InvalidKeyError,
  type ArtifactStore,
} from '../../store/artifact-store.js';
import {
  cleanUncommitted,
  commitArtifact,
  isCommitted,
  readManifest,
  readPart,
  readPartStream,
} from '../../store/artifact-commit.js';

export interface StoreUnderTest {
  store: ArtifactStore;
  /** Environment under which `openStore(store.uri)` reaches the same store from a child process. */
  env: Record<string, string>;
}

export interface StoreSuiteOptions {
  /** Why simultaneous putIfAbsent calls may both succeed on this store; skips the race tests. */
  nonAtomicPutIfAbsent?: string;
}

const MiB = 1024 * 1024;
const BAD_KEYS = ['../x', '/abs', 'a//b', 'a/./b', 'a\\b', '', 'a/', 'a/..', 'nul\0byte'];
const CRASHING_WRITER = fileURLToPath(new URL('./crashing-writer.js', import.meta.url));

/** The behaviour every `ArtifactStore` implementation must have; `makeStore` gives a fresh one. */
export function describeStoreSuite(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  options: StoreSuiteOptions = {},
): void {
  const reason = options.nonAtomicPutIfAbsent;
  const racing = reason === undefined ? it : it.skip;
  const racingNote = reason === undefined ? '' : ` (skipped: ${reason})`;

  describe(`ArtifactStore contract: ${name}`, function () {
    let store: ArtifactStore;
    let env: Record<string, string>;

    beforeEach(async function () {
      ({ store, env } = await makeStore());
    });

    describe('objects', function () {
      for (const size of [0, 1]) {
        it(`round-trips ${size} B as bytes and as a stream`, async function () {
          const data = randomBytes(size);
          await store.put('bytes/obj', data);
          await store.putStream('stream/obj', Readable.from([data]));
          for (const key of ['bytes/obj', 'stream/obj']) {
            assert.deepEqual(Buffer.from(await store.get(key)), data);
            assert.deepEqual(await readAll(await store.getStream(key)), data);
          }
        });
      }

      it('round-trips 64 MiB given as bytes (multipart on S3)', async function () {
        const data = randomBytes(64 * MiB);
        await store.put('big/bytes', data);
        const back = await store.get('big/bytes');
        assert.equal(back.byteLength, data.byteLength);
        assert.ok(data.equals(back), 'the 64 MiB read back differ from those written');
      });

      it('round-trips 64 MiB given as a stream, read back as a stream', async function () {
        const { stream, digest } = randomStream(64 * MiB, MiB);
        await store.putStream('big/stream', stream);
        const read = await hashStream(await store.getStream('big/stream'));
        assert.deepEqual(read, digest());
      });

      it('replaces an object on put', async function () {
        await store.put('k', Buffer.from('old'));
        await store.put('k', Buffer.from('new'));
        assert.equal(Buffer.from(await store.get('k')).toString(), 'new');
      });

      it('throws ArtifactNotFoundError for a missing key, from get and getStream', async function () {
        await store.put('present/child', Buffer.from('x'));
        for (const key of ['missing', 'present/missing', 'present']) {
          await assert.rejects(store.get(key), (error: unknown) => {
            assert.ok(error instanceof ArtifactNotFoundError);
            assert.equal(error.key, key);
            return true;
          });
          await assert.rejects(store.getStream(key), ArtifactNotFoundError);
        }
      });

      it('tells whether a key exists (a folder-like prefix is not an object)', async function () {
        await store.put('a/b', Buffer.from('x'));
        assert.equal(await store.exists('a/b'), true);
        assert.equal(await store.exists('a'), false);
        assert.equal(await store.exists('a/c'), false);
      });

      it('deletes, and deleting a missing key is not an error', async function () {
        await store.put('d/one', Buffer.from('1'));
        await store.put('d/two', Buffer.from('2'));
        await store.delete('d/one');
        await store.delete('d/one');
        await store.delete('never/was');
        assert.equal(await store.exists('d/one'), false);
        assert.deepEqual(await store.list('d/'), ['d/two']);
      });

      it('leaves nothing behind when a stream fails midway', async function () {
        await assert.rejects(
          store.putStream('broken', failingStream(3 * MiB, 'disk on fire')),
          /disk on fire/,
        );
        assert.equal(await store.exists('broken'), false);
        assert.deepEqual(await store.list(''), []);
      });

      it('putIfAbsent writes a missing key and leaves an existing one alone', async function () {
        assert.equal(await store.putIfAbsent('once', Buffer.from('first')), true);
        assert.equal(await store.putIfAbsent('once', Buffer.from('second')), false);
        assert.equal(Buffer.from(await store.get('once')).toString(), 'first');
      });

      racing(`lets exactly one of racing putIfAbsent calls write${racingNote}`, async function () {
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.putIfAbsent('once', Buffer.from(`w${i}`))),
        );
        assert.equal(results.filter(Boolean).length, 1, `results: ${results.join(', ')}`);
        const winner = results.indexOf(true);
        assert.equal(Buffer.from(await store.get('once')).toString(), `w${winner}`);
        assert.equal(await store.putIfAbsent('once', Buffer.from('late')), false);
      });
    });

    describe('list', function () {
      const keys = ['z', 'a/b/c', 'a/b/d', 'a/bc', 'a/a', 'b/x/y/z', 'ab'];

      beforeEach(async function () {
        for (const key of keys) await store.put(key, Buffer.from(key));
      });

      it('lists the whole store, recursively and sorted', async function () {
        assert.deepEqual(await store.list(''), [...keys].sort());
      });

      it('lists by folder prefix, by partial-segment prefix and by unknown prefix', async function () {
        assert.deepEqual(await store.list('a/'), ['a/a', 'a/b/c', 'a/b/d', 'a/bc']);
        assert.deepEqual(await store.list('a/b/'), ['a/b/c', 'a/b/d']);
        assert.deepEqual(await store.list('a/b'), ['a/b/c', 'a/b/d', 'a/bc']);
        assert.deepEqual(await store.list('a'), ['a/a', 'a/b/c', 'a/b/d', 'a/bc', 'ab']);
        assert.deepEqual(await store.list('b/x/y/'), ['b/x/y/z']);
        assert.deepEqual(await store.list('nothing/'), []);
      });
    });

    describe('keys', function () {
      it('rejects keys that could escape the root, before touching the store', async function () {
        for (const key of BAD_KEYS) {
          const attempts: [string, Promise<unknown>][] = [
            ['put', store.put(key, Buffer.from('x'))],
            ['putIfAbsent', store.putIfAbsent(key, Buffer.from('x'))],
            ['putStream', store.putStream(key, Readable.from([Buffer.from('x')]))],
            ['get', store.get(key)],
            ['getStream', store.getStream(key)],
            ['exists', store.exists(key)],
            ['delete', store.delete(key)],
          ];
          for (const [operation, attempt] of attempts) {
            await assert.rejects(attempt, InvalidKeyError, `${operation}(${JSON.stringify(key)})`);
          }
        }
        for (const prefix of ['../', '/abs/', 'a//', 'a/../']) {
          await assert.rejects(store.list(prefix), InvalidKeyError, `list(${prefix})`);
        }
        assert.deepEqual(await store.list(''), []);
      });
    });

    describe('multi-object artifacts', function () {
      it('commits parts given as bytes and streams, readable through the manifest', async function () {
        const weights = randomBytes(1000);
        const { stream, digest } = randomStream(2 * MiB + 3, 64 * 1024);
        assert.equal(await isCommitted(store, 'art'), false);
        assert.equal(await readManifest(store, 'art'), null);

        const manifest = await commitArtifact(
          store,
          'art',
          [
            { name: 'weights.bin', data: weights },
            { name: 'nested/log.txt', data: stream },
          ],
          { stage: 'train', iteration: 7 },
        );

        assert.equal(await isCommitted(store, 'art'), true);
        assert.deepEqual(await readManifest(store, 'art'), manifest);
        assert.deepEqual(manifest.metadata, { stage: 'train', iteration: 7 });
        assert.deepEqual(
          manifest.parts.map((part) => part.name),
          ['weights.bin', 'nested/log.txt'],
        );
        assert.deepEqual(Buffer.from(await readPart(store, manifest, 'weights.bin')), weights);
        const log = await hashStream(await readPartStream(store, manifest, 'nested/log.txt'));
        assert.deepEqual(log, digest());
        const recorded = manifest.parts[1];
        assert.deepEqual({ size: recorded?.size, sha256: recorded?.sha256 }, digest());
        assert.deepEqual(await store.list('art/'), [
          'art/MANIFEST.json',
          ...manifest.parts.map((part) => part.key).sort(),
        ]);
      });

      it('detects a part altered after commit', async function () {
        const manifest = await commitArtifact(store, 'art', [
          { name: 'p', data: Buffer.from('original') },
        ]);
        const key = manifest.parts[0]?.key ?? assert.fail('no part');
        await store.put(key, Buffer.from('tampered'));
        await assert.rejects(readPart(store, manifest, 'p'), /part p .* is corrupt/);
        await assert.rejects(readAll(await readPartStream(store, manifest, 'p')), /corrupt/);
      });

      it('refuses a manifest that is not JSON or lacks fields, naming it', async function () {
        await store.put('bad/MANIFEST.json', Buffer.from('{"version": 1'));
        await assert.rejects(readManifest(store, 'bad'), /bad\/MANIFEST\.json .* is not JSON/);
        await store.put('bad/MANIFEST.json', Buffer.from('{"version": 1, "parts": []}'));
        await assert.rejects(
          readManifest(store, 'bad'),
          /bad\/MANIFEST\.json .* is not a valid manifest: .*writeId/s,
        );
      });

      it('commits nothing when a part stream fails midway, and removes its parts', async function () {
        await assert.rejects(
          commitArtifact(store, 'art', [
            { name: 'first', data: randomBytes(100) },
            { name: 'second', data: failingStream(2 * MiB, 'upstream died') },
          ]),
          /upstream died/,
        );
        assert.equal(await isCommitted(store, 'art'), false);
        assert.equal(await readManifest(store, 'art'), null);
        assert.deepEqual(await store.list('art/'), []);
      });

      it('a crashed writer leaves no committed artifact; a retry commits and cleanUncommitted removes the debris', async function () {
        this.timeout(60_000);
        const crashed = await crashWriterAfterFirstPart(store, env, 'art');
        assert.equal(await isCommitted(store, 'art'), false);
        assert.equal(await readManifest(store, 'art'), null);
        assert.ok(crashed.length > 0, 'the crashed writer wrote no part before it died');

        const retryData = randomBytes(500);
        const manifest = await commitArtifact(store, 'art', [{ name: 'first', data: retryData }]);
        assert.deepEqual(Buffer.from(await readPart(store, manifest, 'first')), retryData);

        // Young debris may belong to a writer that is still alive: the default keeps it.
        assert.deepEqual(await cleanUncommitted(store, 'art'), []);
        const removed = await cleanUncommitted(store, 'art', { minAgeMs: 0 });
        assert.deepEqual(removed, crashed);
        assert.deepEqual(await store.list('art/'), [
          'art/MANIFEST.json',
          ...manifest.parts.map((part) => part.key),
        ]);
        assert.deepEqual(Buffer.from(await readPart(store, manifest, 'first')), retryData);
      });

      it('cleanUncommitted removes every attempt when none committed', async function () {
        await crashWriterAfterFirstPart(store, env, 'art');
        await store.put('art/data/stray-file', Buffer.from('debris'));
        const removed = await cleanUncommitted(store, 'art', { minAgeMs: 0 });
        assert.ok(removed.includes('art/data/stray-file'));
        assert.deepEqual(await store.list('art/'), []);
      });

      it('lets the first of overlapping commits win; the later one drops its data', async function () {
        // The later attempt (a retry racing a zombie, say) is mid-upload when the first commits.
        const gate = new Readable({ read() {} });
        gate.push(randomBytes(MiB));
        const late = commitArtifact(store, 'art', [{ name: 'model', data: gate }], { writer: 1 });
        const firstData = randomBytes(3 * MiB);
        const first = await commitArtifact(store, 'art', [{ name: 'model', data: firstData }], {
          writer: 0,
        });
        gate.push(randomBytes(MiB));
        gate.push(null);

        assert.deepEqual(await late, first);
        assert.deepEqual(first.metadata, { writer: 0 });
        assert.ok(Buffer.from(await readPart(store, first, 'model')).equals(firstData));
        assert.deepEqual(await store.list('art/'), [
          'art/MANIFEST.json',
          ...first.parts.map((part) => part.key),
        ]);

        const after = await commitArtifact(store, 'art', [{ name: 'model', data: randomBytes(9) }]);
        assert.deepEqual(after, first);
      });

      racing(
        `simultaneous commits agree on one manifest and keep only its data${racingNote}`,
        async function () {
          const contents = [randomBytes(MiB), randomBytes(MiB), randomBytes(MiB)];
          const manifests = await Promise.all(
            contents.map((data, i) =>
              commitArtifact(store, 'art', [{ name: 'model', data }], { writer: i }),
            ),
          );
          const winner = manifests[0] ?? assert.fail('no manifest');
          for (const manifest of manifests) assert.deepEqual(manifest, winner);
          const stored = Buffer.from(await readPart(store, winner, 'model'));
          assert.ok(stored.equals(contents[winner.metadata.writer as number] ?? Buffer.alloc(0)));
          assert.deepEqual(await store.list('art/'), [
            'art/MANIFEST.json',
            ...winner.parts.map((part) => part.key),
          ]);
        },
      );
    });
  });
}

/**
 * Runs `crashing-writer.js` in a child process, which commits an artifact whose second part
 * never ends, and SIGKILLs it once its first part is in the store. Returns the keys it left.
 */
async function crashWriterAfterFirstPart(
  store: ArtifactStore,
  env: Record<string, string>,
  prefix: string,
): Promise<string[]> {
  const child = spawn(process.execPath, [CRASHING_WRITER, store.uri, prefix], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(50)) {
      if (child.exitCode !== null) break;
      const written = await store.list(`${prefix}/data/`);
      if (written.some((key) => key.endsWith('/first'))) {
        child.kill('SIGKILL');
        await exited;
        return await store.list(`${prefix}/data/`);
      }
    }
    throw new Error(`the crashing writer never wrote its first part; its stderr: ${stderr}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function randomStream(
  size: number,
  chunkSize: number,
): { stream: Readable; digest: () => { size: number; sha256: string } } {
  const hash = createHash('sha256');
  function* chunks(): Generator<Buffer> {
    for (let offset = 0; offset < size; offset += chunkSize) {
      const chunk = randomBytes(Math.min(chunkSize, size - offset));
      hash.update(chunk);
      yield chunk;
    }
  }
  let sha256: string | undefined;
  return {
    stream: Readable.from(chunks()),
    digest: () => ({ size, sha256: (sha256 ??= hash.digest('hex')) }),
  };
}

/** A stream that yields `bytesBefore` bytes and then fails. */
function failingStream(bytesBefore: number, message: string): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let sent = 0; sent < bytesBefore; sent += 256 * 1024) yield randomBytes(256 * 1024);
    throw new Error(message);
  }
  return Readable.from(chunks());
}

async function hashStream(stream: Readable): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
