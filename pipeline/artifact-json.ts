import { ArtifactNotFoundError, type ArtifactStore } from '../store/artifact-store.js';
import { manifestKey, readManifest, readPart, type Manifest } from '../store/artifact-commit.js';

export function jsonPart(name: string, value: unknown): { name: string; data: Uint8Array } {
  return { name, data: new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`) };
}

/**
 * The committed manifest of an upstream stage; a missing one means the store lost it, which the
 * workflow mends by recomputing that stage (see pipeline/damaged-artifact.ts).
 */
export async function committedManifest(store: ArtifactStore, key: string): Promise<Manifest> {
  const manifest = await readManifest(store, key);
  if (manifest === null) throw new ArtifactNotFoundError(manifestKey(key), store.uri);
  return manifest;
}

export async function readJsonPart(
  store: ArtifactStore,
  manifest: Manifest,
  name: string,
): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await readPart(store, manifest, name))) as unknown;
}
