import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { openStore, parseS3Uri, type OpenStoreOptions } from '../../store/open-store.js';

/** Reads the bytes a source URI names. */
export type ReadSource = (uri: string) => Promise<Uint8Array>;

/**
 * A reader for `s3://bucket/key` (one artifact store per bucket, reused across files),
 * `http(s)://…`, `file://…` and plain paths.
 */
export function createSourceReader(storeOptions: OpenStoreOptions = {}): ReadSource {
  const buckets = new Map<string, ArtifactStore>();
  return async (uri) => {
    if (uri.startsWith('s3://')) {
      const { bucket, prefix: key } = parseS3Uri(uri);
      let store = buckets.get(bucket);
      if (!store) {
        store = openStore(`s3://${bucket}`, storeOptions);
        buckets.set(bucket, store);
      }
      return store.get(key);
    }
    if (/^https?:\/\//.test(uri)) {
      const response = await fetch(uri);
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${uri}`);
      return new Uint8Array(await response.arrayBuffer());
    }
    const path = uri.startsWith('file://') ? fileURLToPath(uri) : uri;
    return new Uint8Array(await readFile(path));
  };
}
