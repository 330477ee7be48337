import { open, rename, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChecksumMismatchError,
  connectFailureCode,
  DownloadError,
  errorText,
  UnreachableError,
} from './fetch-errors.js';
import { sha256File } from './sha256-file.js';

export interface DownloadOptions {
  url: string;
  /** The final path; bytes collect in `<path>.part` and move here once they check out. */
  path: string;
  /** Lower-case hex, or null: not pinned, the digest is computed and reported unverified. */
  sha256: string | null;
  /** Pinned size in bytes, or null. */
  size?: number | null;
  /** `done` counts the part file's earlier bytes; `total` is unknown without a Content-Length. */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Transfers that break off are resumed from the part file this many times. */
  retries?: number;
  retryDelayMs?: number;
  /** A connection silent for this long (headers or body) counts as broken. */
  stallTimeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Whether `sha256` was checked against a pinned digest. */
  verified: boolean;
  /** The file was already in place (checked, not downloaded). */
  present: boolean;
  /** Bytes a part file held before this run (0 for a fresh download). */
  resumedFrom: number;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** `bytes 100-999/1000` → start 100, total 1000; a 416 puts `*` for the range: total only. */
function parseContentRange(header: string | null): { start?: number; total?: number } {
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return {};
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[2] === '*' ? undefined : Number(match[2]),
  };
}

/** One request from `start`: appends to the part file and returns the expected total size. */
async function transfer(
  options: DownloadOptions,
  part: string,
  start: number,
  stallTimeoutMs: number,
): Promise<number | undefined> {
  const controller = new AbortController();
  // ETIMEDOUT: a host that accepts the connection and then says nothing counts as unreachable.
  const stall = () =>
    controller.abort(
      Object.assign(new Error(`no data for ${stallTimeoutMs} ms`), { code: 'ETIMEDOUT' }),
    );
  let timer = setTimeout(stall, stallTimeoutMs);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(stall, stallTimeoutMs);
  };
  try {
    // identity: byte offsets and Content-Length must count the file's bytes, not gzip's.
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (start > 0) headers['Range'] = `bytes=${start}-`;
    const response = await fetch(options.url, { headers, signal: controller.signal });
    alive();
    let offset = start;
    let total: number | undefined;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (range.start !== start) {
        throw new DownloadError(
          `server answered range ${range.start ?? '?'} for a request from ${start}`,
        );
      }
      total = range.total;
    } else if (response.status === 416 && start > 0) {
      // Nothing left to send: the part file may already be whole, which the checksum decides.
      await response.body?.cancel();
      return parseContentRange(response.headers.get('content-range')).total;
    } else if (response.ok) {
      offset = 0;
      const length = response.headers.get('content-length');
      total = length === null ? undefined : Number(length);
    } else {
      await response.body?.cancel();
      throw new DownloadError(`${options.url}: HTTP ${response.status} ${response.statusText}`);
    }
    total ??= options.size ?? undefined;
    // A server that ignores Range sends everything again: start the part file over.
    const file = await open(part, offset === 0 ? 'w' : 'a');
    try {
      let done = offset;
      options.onProgress?.(done, total);
      for await (const chunk of response.body ?? []) {
        alive();
        await file.write(chunk as Uint8Array);
        done += (chunk as Uint8Array).byteLength;
        options.onProgress?.(done, total);
      }
    } finally {
      await file.close();
    }
    return total;
  } finally {
    clearTimeout(timer);
  }
}

/** Checks the digest of bytes now in `from`; a mismatch deletes them when `owned`. */
async function verify(from: string, sha256: string | null, owned: boolean): Promise<string> {
  const found = await sha256File(from);
  if (sha256 !== null && found !== sha256) {
    if (owned) await unlink(from);
    throw new ChecksumMismatchError(from, sha256, found, owned);
  }
  return found;
}

/**
 * Downloads `url` to `path`: resumable through HTTP Range requests from `<path>.part`, renamed
 * into place only after the sha256 matches. A file already at `path` is checked, not fetched.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const { path, sha256 } = options;
  const existing = await sizeOf(path);
  if (existing !== undefined) {
    const found = await verify(path, sha256, false);
    return {
      path,
      bytes: existing,
      sha256: found,
      verified: sha256 !== null,
      present: true,
      resumedFrom: 0,
    };
  }
  const part = `${path}.part`;
  const resumedFrom = (await sizeOf(part)) ?? 0;
  const retries = options.retries ?? 5;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  let failures = 0;
  let received = false;
  for (;;) {
    const start = (await sizeOf(part)) ?? 0;
    let problem: unknown;
    try {
      const total = await transfer(options, part, start, stallTimeoutMs);
      const bytes = (await sizeOf(part)) ?? 0;
      if (total === undefined || bytes === total) break;
      if (bytes > total) {
        await unlink(part);
        problem = new Error(
          `the part file held ${bytes} bytes of a ${total}-byte file; starting over`,
        );
      } else {
        problem = new Error(`connection closed at ${bytes} of ${total} bytes`);
      }
    } catch (error) {
      if (error instanceof DownloadError) throw error;
      problem = error;
    }
    const code = connectFailureCode(problem);
    const progressed = ((await sizeOf(part)) ?? 0) > start;
    received ||= progressed;
    // A host that never answered: retrying only delays the advice on what to do instead.
    if (code !== undefined && !received) throw new UnreachableError(options.url, code);
    failures = progressed ? 1 : failures + 1;
    if (failures > retries) {
      if (code !== undefined) throw new UnreachableError(options.url, code);
      throw new DownloadError(
        `${options.url}: ${errorText(problem)} (gave up after ${retries} retries; run again to resume from ${part})`,
      );
    }
    await sleep((options.retryDelayMs ?? 1000) * failures);
  }
  const bytes = (await sizeOf(part)) ?? 0;
  if (options.size != null && bytes !== options.size) {
    await unlink(part);
    throw new DownloadError(
      `${options.url}: got ${bytes} bytes, expected ${options.size}; the downloaded file was deleted`,
    );
  }
  const found = await verify(part, sha256, true);
  await rename(part, path);
  return { path, bytes, sha256: found, verified: sha256 !== null, present: false, resumedFrom };
}
