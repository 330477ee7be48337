import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from './artifact-store.js';
import { validateKey } from './keys.js';
import { LocalStore } from './local-store.js';
import { createS3Client, S3Store, type S3Connection } from './s3-store.js';

export interface OpenStoreOptions {
  /** Overrides the S3 connection settings otherwise read from the environment. */
  s3?: S3Connection;
  /** Where a plain relative path is resolved from; default the working directory. */
  cwd?: string;
}

export class StoreUriError extends Error {
  constructor(uri: string, problem: string) {
    super(
      `cannot open artifact store ${JSON.stringify(uri)}: ${problem}; expected ` +
        's3://bucket/prefix, file:///absolute/path or a plain folder path',
    );
    this.name = 'StoreUriError';
  }
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
/** The S3 bucket naming rules, minus the IP-address and reserved-suffix corner cases. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Opens the store a URI names: `s3://bucket/prefix`, `file:///abs/path` or a plain path. */
export function openStore(uri: string, options: OpenStoreOptions = {}): ArtifactStore {
  if (uri.trim() === '') throw new StoreUriError(uri, 'the URI is empty');
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (/^(s3|file):/i.test(uri)) throw new StoreUriError(uri, 'the scheme must be followed by //');
    return new LocalStore(path.resolve(options.cwd ?? '.', uri));
  }
  if (scheme === 'file') return new LocalStore(localPathOf(uri));
  if (scheme === 's3') {
    const { bucket, prefix } = parseS3Uri(uri);
    return new S3Store(createS3Client(options.s3), bucket, prefix);
  }
  throw new StoreUriError(uri, `the scheme "${scheme}:" is not supported`);
}

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/i.exec(uri);
  if (match === null) throw new StoreUriError(uri, 'an s3 URI takes no query or fragment');
  const bucket = match[1] ?? '';
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new StoreUriError(
      uri,
      `"${bucket}" is not a bucket name (3-63 lowercase letters, digits, dots and hyphens)`,
    );
  }
  const prefix = (match[2] ?? '').replace(/\/$/, '');
  if (prefix !== '') {
    try {
      validateKey(prefix);
    } catch (error) {
      throw new StoreUriError(uri, `the prefix is unusable: ${(error as Error).message}`);
    }
  }
  return { bucket, prefix };
}

function localPathOf(uri: string): string {
  if (/[?#]/.test(uri)) throw new StoreUriError(uri, 'a file URI takes no query or fragment');
  try {
    return fileURLToPath(uri);
  } catch (error) {
    throw new StoreUriError(uri, `not a local file URL (${(error as Error).message})`);
  }
}
