import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from './artifact-store.js';
import { LocalStore } from './local-store.js';
import { openStore, type OpenStoreOptions } from './open-store.js';
import { S3Store } from './s3-store.js';
import { permanentStoreProblem, unreachableProblem } from './store-errors.js';

/** A launch check must not wait on an endpoint that swallows packets. */
const PROBE_TIMEOUT_MS = 15_000;

/**
 * Opens the store `uri` names and asks it once whether it can be used, so that a wrong URI,
 * bucket, credential or endpoint fails a launch at once instead of a stage after its retries.
 * Returns the problem, or undefined when the store answers.
 */
export async function storeProblem(
  uri: string,
  options: OpenStoreOptions = {},
): Promise<string | undefined> {
  let store: ArtifactStore;
  try {
    store = openStore(uri, options);
  } catch (error) {
    return (error as Error).message;
  }
  if (store instanceof LocalStore) return localProblem(store);
  if (store instanceof S3Store) return s3Problem(store);
  return undefined;
}

async function localProblem(store: LocalStore): Promise<string | undefined> {
  const root = fileURLToPath(store.uri);
  const found = await stat(root).catch(() => undefined);
  if (found !== undefined && !found.isDirectory()) return `${root} exists and is not a folder`;
  return undefined;
}

async function s3Problem(store: S3Store): Promise<string | undefined> {
  try {
    await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, MaxKeys: 1 }), {
      abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return undefined;
  } catch (error) {
    const named = permanentStoreProblem(error) ?? unreachableProblem(error);
    if (named !== undefined) return `${store.uri}: ${named}`;
    return `${store.uri} does not answer: ${(error as Error).name}: ${(error as Error).message}`;
  } finally {
    store.client.destroy();
  }
}
