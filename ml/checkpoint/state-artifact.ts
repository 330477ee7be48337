import type * as tf from '@tensorflow/tfjs';
import {
  commitArtifact,
  readManifest,
  readPart,
  type ArtifactMetadata,
} from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { decodeSafetensors, encodeSafetensors } from '../../store/safetensors.js';
import { fromStoredTensor, toStoredTensors } from './tensor-codec.js';

const TENSORS_PART = 'tensors.safetensors';
const STATE_PART = 'state.json';

/** A training state: named tensors plus the JSON-able rest (iteration, RNG state, options). */
export interface StateArtifact {
  json: unknown;
  tensors: Record<string, tf.Tensor>;
}

/**
 * Commits a training state under `prefix` as one artifact (safetensors + JSON), atomically:
 * a crash mid-write leaves no checkpoint rather than half of one. An already committed
 * prefix is kept as it is (a retried save of the same iteration holds the same state).
 */
export async function saveStateArtifact(
  store: ArtifactStore,
  prefix: string,
  state: StateArtifact,
  metadata: ArtifactMetadata = {},
): Promise<void> {
  const tensors = encodeSafetensors(await toStoredTensors(state.tensors));
  const json = new TextEncoder().encode(JSON.stringify(state.json));
  await commitArtifact(
    store,
    prefix,
    [
      { name: TENSORS_PART, data: tensors },
      { name: STATE_PART, data: json },
    ],
    metadata,
  );
}

/** Reads a committed state; its tensors are new tfjs tensors owned by the caller. */
export async function loadStateArtifact(
  store: ArtifactStore,
  prefix: string,
): Promise<StateArtifact> {
  const manifest = await readManifest(store, prefix);
  if (manifest === null)
    throw new Error(`no committed training state at ${prefix} in ${store.uri}`);
  const decoded = decodeSafetensors(await readPart(store, manifest, TENSORS_PART));
  const json: unknown = JSON.parse(
    new TextDecoder().decode(await readPart(store, manifest, STATE_PART)),
  );
  const tensors = Object.fromEntries(
    Object.entries(decoded.tensors).map(([name, t]) => [name, fromStoredTensor(name, t)]),
  );
  return { json, tensors };
}
