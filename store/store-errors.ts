import { StoreUriError } from './open-store.js';

/** S3 error names that mean the request can never succeed as configured. */
const PERMANENT_S3_ERRORS: Readonly<Record<string, string>> = {
  NoSuchBucket: 'the bucket does not exist',
  InvalidAccessKeyId: 'the S3 server does not know the access key id (AWS_ACCESS_KEY_ID)',
  SignatureDoesNotMatch: 'the S3 server refused the secret access key (AWS_SECRET_ACCESS_KEY)',
  InvalidClientTokenId: 'the S3 server refused the credentials',
  AccessDenied: 'the S3 credentials are not allowed to use this bucket',
};

/** Connection errors: nothing answers at the configured endpoint. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * What is wrong when a store error is one retrying cannot fix (an unusable URI, a missing bucket,
 * refused credentials), else undefined. An unreachable endpoint is not among them here: mid-run it
 * is the outage retries exist for; a launch check (`store/check-store.ts`) catches it up front.
 */
export function permanentStoreProblem(error: unknown): string | undefined {
  if (error instanceof StoreUriError) return error.message;
  if (!(error instanceof Error)) return undefined;
  const reason = PERMANENT_S3_ERRORS[error.name];
  return reason === undefined ? undefined : `${reason} (${error.name}: ${error.message})`;
}

/** The endpoint that did not answer, when `error` says nothing listens there. */
export function unreachableProblem(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return `nothing answers at the S3 endpoint, SFE_S3_ENDPOINT (${code}: ${(error as Error).message})`;
  }
  return undefined;
}
