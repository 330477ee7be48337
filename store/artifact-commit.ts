import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { ArtifactNotFoundError, type ArtifactStore } from './artifact-store.js';
import { joinKey, validateKey } from './keys.js';

/**
 * An artifact is several objects that must appear together. Parts go to a folder private to one
 * write attempt, and the manifest, written last and only if absent, is the commit: readers that
 * trust only manifests never see a half-written artifact, and of racing attempts the first to
 * commit wins while the others discard their parts.
 */

export const MANIFEST_NAME = 'MANIFEST.json';

const partSchema = z.object({
  name: z.string().min(1),
  key: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  version: z.literal(1),
  writeId: z.string().min(1),
  createdAt: z.iso.datetime(),
  metadata: z.record(z.string(), z.json()),
  parts: z.array(partSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestPart = z.infer<typeof partSchema>;
export type ArtifactMetadata = Manifest['metadata'];

export interface ArtifactPart {
  /** A key-like name, unique within the artifact, e.g. 'features.safetensors'. */
  name: string;
  data: Uint8Array | Readable;
}

export class ArtifactIntegrityError extends Error {
  constructor(
    message: string,
    /** The store key of the damaged object. */
    readonly key: string,
  ) {
    super(message);
    this.name = 'ArtifactIntegrityError';
  }
}

export function manifestKey(prefix: string): string {
  return joinKey(prefix, MANIFEST_NAME);
}

/**
 * Writes `parts` and commits them under `prefix`. Returns the manifest that is committed
 * afterwards, which is another attempt's if that one committed first.
 */
export async function commitArtifact(
  store: ArtifactStore,
  prefix: string,
  parts: readonly ArtifactPart[],
  metadata: ArtifactMetadata = {},
): Promise<Manifest> {
  validateKey(prefix);
  validatePartNames(parts);
  const existing = await readManifest(store, prefix);
  if (existing !== null) {
    discardStreams(parts);
    return existing;
  }

  const writeId = newWriteId();
  const written: ManifestPart[] = [];
  try {
    for (const part of parts) {
      const key = joinKey(dataPrefix(prefix), `${writeId}/${part.name}`);
      written.push({ name: part.name, key, ...(await writePart(store, key, part.data)) });
    }
  } catch (error) {
    discardStreams(parts);
    await deleteAll(
      store,
      written.map((part) => part.key),
    ).catch(() => undefined);
    throw error;
  }

  const manifest: Manifest = {
    version: 1,
    writeId,
    createdAt: new Date().toISOString(),
    metadata,
    parts: written,
  };
  const committed = await store.putIfAbsent(
    manifestKey(prefix),
    new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
  );
  if (committed) return manifest;

  await deleteAll(
    store,
    written.map((part) => part.key),
  );
  const winner = await readManifest(store, prefix);
  if (winner === null) {
    throw new Error(`the manifest of ${prefix} in ${store.uri} vanished after a concurrent commit`);
  }
  return winner;
}

/** The committed manifest under `prefix`, or null when nothing is committed there. */
export async function readManifest(store: ArtifactStore, prefix: string): Promise<Manifest | null> {
  validateKey(prefix);
  const key = manifestKey(prefix);
  let bytes: Uint8Array;
  try {
    bytes = await store.get(key);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return null;
    throw error;
  }
  const text = new TextDecoder().decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ArtifactIntegrityError(`${key} in ${store.uri} is not JSON: ${String(error)}`, key);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ArtifactIntegrityError(
      `${key} in ${store.uri} is not a valid manifest: ${z.prettifyError(parsed.error)}`,
      key,
    );
  }
  return parsed.data;
}

/**
 * Reads every part back and checks it against the manifest: the first damaged one's problem
 * (altered bytes, or the object gone from the store), or undefined when all are intact.
 */
export async function findDamage(
  store: ArtifactStore,
  manifest: Manifest,
): Promise<string | undefined> {
  for (const part of manifest.parts) {
    try {
      const stream = await readPartStream(store, manifest, part.name);
      for await (const _chunk of stream as AsyncIterable<Buffer>) void _chunk;
    } catch (error) {
      if (error instanceof ArtifactIntegrityError || error instanceof ArtifactNotFoundError) {
        return error.message;
      }
      throw error;
    }
  }
  return undefined;
}

export async function isCommitted(store: ArtifactStore, prefix: string): Promise<boolean> {
  validateKey(prefix);
  return store.exists(manifestKey(prefix));
}

/** The bytes of one part, checked against the size and sha256 the manifest recorded. */
export async function readPart(
  store: ArtifactStore,
  manifest: Manifest,
  name: string,
): Promise<Uint8Array> {
  const part = findPart(manifest, name);
  const bytes = await store.get(part.key);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  checkDigest(part, bytes.byteLength, sha256);
  return bytes;
}

/** One part as a stream that fails at its end if the size or sha256 differs from the manifest. */
export async function readPartStream(
  store: ArtifactStore,
  manifest: Manifest,
  name: string,
): Promise<Readable> {
  const part = findPart(manifest, name);
  const source = await store.getStream(part.key);
  const digest = new DigestingTransform();
  digest.verifyAtEnd = () => checkDigest(part, digest.size, digest.hash.digest('hex'));
  source.on('error', (error) => digest.destroy(error));
  return source.pipe(digest);
}

export interface CleanOptions {
  /**
   * Leave data of write attempts younger than this alone, because such an attempt may still be
   * writing and would otherwise commit a manifest whose parts are gone. Default one hour.
   */
  minAgeMs?: number;
  now?: Date;
}

/** Deletes the data of attempts that never committed. Returns the deleted keys. */
export async function cleanUncommitted(
  store: ArtifactStore,
  prefix: string,
  options: CleanOptions = {},
): Promise<string[]> {
  const minAgeMs = options.minAgeMs ?? 60 * 60 * 1000;
  const now = (options.now ?? new Date()).getTime();
  const manifest = await readManifest(store, prefix);
  const data = `${dataPrefix(prefix)}/`;
  const stale = (await store.list(data)).filter((key) => {
    const writeId = key.slice(data.length).split('/')[0] ?? '';
    if (writeId === manifest?.writeId) return false;
    const startedAt = writeIdTime(writeId);
    // Data that is not in a folder of ours has no age; it is debris either way.
    return startedAt === undefined || now - startedAt >= minAgeMs;
  });
  await deleteAll(store, stale);
  return stale;
}

function dataPrefix(prefix: string): string {
  return joinKey(prefix, 'data');
}

/** Sortable by start time and unique per attempt: `20261125T171155123Z-<12 hex>`. */
function newWriteId(): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(6).toString('hex')}`;
}

function writeIdTime(writeId: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-[0-9a-f]+$/.exec(writeId);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
}

function validatePartNames(parts: readonly ArtifactPart[]): void {
  const seen = new Set<string>();
  for (const part of parts) {
    validateKey(part.name);
    if (seen.has(part.name)) throw new Error(`artifact part name ${part.name} is used twice`);
    seen.add(part.name);
  }
}

async function writePart(
  store: ArtifactStore,
  key: string,
  data: Uint8Array | Readable,
): Promise<{ size: number; sha256: string }> {
  if (data instanceof Uint8Array) {
    await store.put(key, data);
    return { size: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
  }
  const digest = new DigestingTransform();
  // pipeline() destroys the transform with the source's error, which fails the upload.
  // Wait for both sides so a failed upload has cleaned up before the caller deletes parts.
  const results = await Promise.allSettled([pipeline(data, digest), store.putStream(key, digest)]);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return { size: digest.size, sha256: digest.hash.digest('hex') };
}

function findPart(manifest: Manifest, name: string): ManifestPart {
  const part = manifest.parts.find((candidate) => candidate.name === name);
  if (part === undefined) {
    const names = manifest.parts.map((candidate) => candidate.name).join(', ');
    throw new Error(`artifact ${manifest.writeId} has no part ${name} (parts: ${names})`);
  }
  return part;
}

function checkDigest(part: ManifestPart, size: number, sha256: string): void {
  if (size !== part.size || sha256 !== part.sha256) {
    throw new ArtifactIntegrityError(
      `part ${part.name} (${part.key}) is corrupt: ${size} bytes with sha256 ${sha256}, ` +
        `the manifest says ${part.size} bytes with sha256 ${part.sha256}`,
      part.key,
    );
  }
}

function discardStreams(parts: readonly ArtifactPart[]): void {
  for (const part of parts) if (part.data instanceof Readable) part.data.destroy();
}

async function deleteAll(store: ArtifactStore, keys: readonly string[]): Promise<void> {
  for (const key of keys) await store.delete(key);
}

/** Passes bytes through while counting them and hashing them with sha256. */
class DigestingTransform extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  verifyAtEnd: () => void = () => undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.verifyAtEnd();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}
