const REASONS: Record<string, string> = {
  ENOTFOUND: 'the name does not resolve (no DNS, or no internet)',
  EAI_AGAIN: 'the name does not resolve (no DNS, or no internet)',
  ECONNREFUSED: 'connection refused',
  ENETUNREACH: 'no route to the network',
  EHOSTUNREACH: 'no route to the host',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
};

/** The host could not be reached at all: the user needs the offline route, not a retry. */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${new URL(url).host}: ${REASONS[reason] ?? 'no connection'} (${reason})`);
    this.name = 'UnreachableError';
  }
}

/** The server answered but the transfer did not complete. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownloadError';
  }
}

export class ChecksumMismatchError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: string,
    /** Downloaded bytes are deleted; a file the user put in place is left for them to judge. */
    readonly deleted: boolean,
  ) {
    super(
      `sha256 mismatch for ${path}: expected ${expected}, found ${found}; ` +
        (deleted
          ? 'the downloaded file was deleted'
          : 'the file was left in place: remove or replace it'),
    );
    this.name = 'ChecksumMismatchError';
  }
}

/** Error codes of a connection that never got established (DNS, refused, unroutable, timeout). */
const CONNECT_FAILURES = new Set(Object.keys(REASONS));

/** The code of a connect failure thrown by `fetch` (it wraps the socket error in `cause`). */
export function connectFailureCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && CONNECT_FAILURES.has(code)) return code;
    // Happy-eyeballs tries several addresses and reports them together.
    if (e instanceof AggregateError) {
      const inner = e.errors.map(connectFailureCode).find((c) => c !== undefined);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
