import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../store/artifact-store.js';

/**
 * The folder (local store) or s3:// prefix where `key` lives, readable by every worker: images a
 * stage writes to the store are read back as a data root of that kind.
 */
export function locationOf(
  store: ArtifactStore,
  key: string,
): { kind: 'folder' | 's3'; root: string } {
  if (store.uri.startsWith('file://'))
    return { kind: 'folder', root: path.join(fileURLToPath(store.uri), key) };
  return { kind: 's3', root: `${store.uri.replace(/\/$/, '')}/${key}` };
}
