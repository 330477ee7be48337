import type { InputFingerprint } from '../dataset/input-fingerprint.js';
import { ArtifactNotFoundError, type ArtifactStore } from '../store/artifact-store.js';
import { canonicalJson, sha256Hex } from '../store/content-address.js';

export interface InputChange {
  /** Why the stage computes again although this config ran before; undefined if it did not. */
  reason: string | undefined;
  /** Remembers the fingerprint as this config's latest, once the stage has its result. */
  record(): Promise<void>;
}

/**
 * Compares the files a stage reads with those the last run of the same config read. The stage's
 * key covers the fingerprint, so changed files give a new key either way; this only lets the run
 * say that it recomputes because the files changed, not because the config is new.
 */
export async function inputChange(
  store: ArtifactStore,
  stage: string,
  config: unknown,
  fingerprint: InputFingerprint,
): Promise<InputChange> {
  const key = `input-fingerprints/${stage}/${sha256Hex(canonicalJson(config)).slice(0, 32)}.json`;
  let previous: InputFingerprint | undefined;
  try {
    previous = JSON.parse(new TextDecoder().decode(await store.get(key))) as InputFingerprint;
  } catch (error) {
    if (!(error instanceof ArtifactNotFoundError)) throw error;
  }
  return {
    reason:
      previous !== undefined && previous.digest !== fingerprint.digest
        ? `the input files changed since the last run of this config (${previous.files} files then, ${fingerprint.files} now: names, sizes or mtimes differ)`
        : undefined,
    record: () => store.put(key, new TextEncoder().encode(JSON.stringify(fingerprint))),
  };
}
