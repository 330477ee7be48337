import type { Readable } from 'node:stream';

/**
 * A flat key → bytes store. Keys are '/'-separated relative paths; implementations reject keys
 * that could escape their root (see `validateKey`). Multi-object artifacts are written through
 * `store/artifact-commit.ts`, never by hand, so readers only ever see committed artifacts.
 */
export interface ArtifactStore {
  /** The URI this store was opened from (`s3://bucket/prefix` or `file:///path`). */
  readonly uri: string;
  put(key: string, data: Uint8Array): Promise<void>;
  /**
   * Writes `data` only if no object exists under `key`, atomically with respect to concurrent
   * writers: exactly one of several racing calls returns true. Commit markers rely on it.
   */
  putIfAbsent(key: string, data: Uint8Array): Promise<boolean>;
  /** @throws ArtifactNotFoundError when the key does not exist. */
  get(key: string): Promise<Uint8Array>;
  putStream(key: string, stream: Readable): Promise<void>;
  /** @throws ArtifactNotFoundError when the key does not exist. */
  getStream(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Every key that starts with `prefix`, sorted. An empty prefix lists the whole store. */
  list(prefix: string): Promise<string[]>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export class ArtifactNotFoundError extends Error {
  constructor(
    readonly key: string,
    readonly storeUri: string,
  ) {
    super(`artifact not found: ${key} in ${storeUri}`);
    this.name = 'ArtifactNotFoundError';
  }
}

export class InvalidKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid artifact key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}
