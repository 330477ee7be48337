import type { Readable } from 'node:stream';

const BLOCK = 512;

export interface TarEntry {
  /** The member path, pax `path` or GNU long name if given. */
  path: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  /** Byte offset of the member's data in the (uncompressed) archive. */
  offset: number;
  /** The member's bytes, only for files `wanted` selected. */
  data?: Buffer;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/**
 * Reads a ustar/pax/GNU tar stream entry by entry, holding at most one member in memory; data of
 * members that `wanted` rejects is skipped, not buffered. Pass a gunzip stream for .tar.gz.
 */
export async function* readTar(
  stream: Readable,
  wanted: (path: string) => boolean = () => false,
): AsyncGenerator<TarEntry> {
  const input = new ChunkReader(stream);
  try {
    yield* entries(input, wanted);
  } finally {
    // A consumer that stops early (it found its member) must not leave the file open.
    stream.destroy();
  }
}

async function* entries(
  input: ChunkReader,
  wanted: (path: string) => boolean,
): AsyncGenerator<TarEntry> {
  let pax: Record<string, string> = {};
  let globalPax: Record<string, string> = {};
  let longName: string | undefined;
  for (;;) {
    const header = await input.read(BLOCK);
    if (header === undefined) return; // archives cut after the last member still read fine
    if (header.length < BLOCK) throw truncated('a header');
    if (header.every((b) => b === 0)) return;
    verifyChecksum(header, input.position - BLOCK);
    const typeflag = String.fromCharCode(header[156]!);
    const size = parseNumber(header, 124, 12);
    const offset = input.position;
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L') {
      const body = await input.readExact(padded, 'a pax or long-name header');
      const text = body.subarray(0, size);
      if (typeflag === 'L') longName = text.toString('utf8').replace(/\0.*$/s, '');
      else if (typeflag === 'x') pax = parsePax(text);
      else globalPax = { ...globalPax, ...parsePax(text) };
      continue;
    }
    const ustarPrefix = isUstar(header) ? cString(header, 345, 155) : '';
    const headerName = cString(header, 0, 100);
    const path =
      pax.path ??
      longName ??
      globalPax.path ??
      (ustarPrefix === '' ? headerName : `${ustarPrefix}/${headerName}`);
    const realSize = pax.size === undefined ? size : Number(pax.size);
    const realPadded = Math.ceil(realSize / BLOCK) * BLOCK;
    pax = {};
    longName = undefined;
    const type =
      typeflag === '0' || typeflag === '\0' || typeflag === '7'
        ? 'file'
        : typeflag === '5'
          ? 'directory'
          : 'other';
    const name = path.replace(/^\.\//, '').replace(/\/$/, '');
    if (type === 'file' && wanted(name)) {
      const body = await input.readExact(realPadded, name);
      yield { path: name, type, size: realSize, offset, data: body.subarray(0, realSize) };
    } else {
      await input.skip(realPadded, name);
      yield { path: name, type, size: realSize, offset };
    }
  }
}

function verifyChecksum(header: Buffer, at: number): void {
  const stored = parseNumber(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  if (sum !== stored) {
    throw new TarFormatError(`not a tar archive, or corrupt: bad header checksum at byte ${at}`);
  }
}

function isUstar(header: Buffer): boolean {
  return header.toString('latin1', 257, 262) === 'ustar';
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end === -1 ? length : end);
}

/** Octal, or GNU base-256 when the high bit of the first byte is set (sizes over 8 GiB). */
function parseNumber(buf: Buffer, start: number, length: number): number {
  const field = buf.subarray(start, start + length);
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+.*$/s, '')
    .trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Pax records: `<length> <key>=<value>\n`, length counting the whole record. */
function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(body.toString('latin1', at, space));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

/** Exact-size reads over a chunked stream, counting the bytes consumed. */
class ChunkReader {
  position = 0;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(stream: Readable) {
    this.chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes; undefined at the end of the stream. */
  async read(n: number): Promise<Buffer | undefined> {
    await this.fill(n);
    if (this.pending.length === 0) return undefined;
    return this.take(Math.min(n, this.pending.length));
  }

  async readExact(n: number, what: string): Promise<Buffer> {
    await this.fill(n);
    if (this.pending.length < n) throw truncated(what);
    return this.take(n);
  }

  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.pending.length === 0 && !(await this.pull())) throw truncated(what);
      const step = Math.min(left, this.pending.length);
      this.pending = this.pending.subarray(step);
      this.position += step;
      left -= step;
    }
  }

  private take(n: number): Buffer {
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    this.position += n;
    return out;
  }

  /** Gathers chunks and concatenates once, so a large member costs one copy, not one per chunk. */
  private async fill(n: number): Promise<void> {
    if (this.pending.length >= n) return;
    const parts = [this.pending];
    let have = this.pending.length;
    while (have < n) {
      const chunk = await this.next();
      if (chunk === undefined) break;
      parts.push(chunk);
      have += chunk.length;
    }
    this.pending = parts.length === 1 ? this.pending : Buffer.concat(parts, have);
  }

  private async pull(): Promise<boolean> {
    const chunk = await this.next();
    if (chunk === undefined) return false;
    this.pending = chunk;
    return true;
  }

  private async next(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    const next = await this.chunks.next();
    if (next.done === true) {
      this.ended = true;
      return undefined;
    }
    return next.value;
  }
}

function truncated(what: string): TarFormatError {
  return new TarFormatError(`tar archive ends inside ${what}`);
}
