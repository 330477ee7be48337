import type { ArtifactStore } from '../store/artifact-store.js';
import { readManifest, readPart, type Manifest } from '../store/artifact-commit.js';
import { InputError } from './input-error.js';

export function jsonPart(name: string, value: unknown): { name: string; data: Uint8Array } {
  return { name, data: new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`) };
}

/** The committed manifest of an upstream stage; a missing one means the store lost it. */
export async function committedManifest(store: ArtifactStore, key: string): Promise<Manifest> {
  const manifest = await readManifest(store, key);
  if (manifest === null) {
    throw new InputError(
      `the artifact ${key} is not committed in ${store.uri} (was the store cleared? rerun with --force)`,
    );
  }
  return manifest;
}

export async function readJsonPart(
  store: ArtifactStore,
  manifest: Manifest,
  name: string,
): Promise<unknown> {
  return JSON.parse(new TextDecoder().decode(await readPart(store, manifest, name))) as unknown;
}
