import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readTar } from '../tar-reader.js';
import {
  errorText,
  type ImageSource,
  type ReadResult,
  type SourceListing,
} from './image-source.js';

const GZIPPED = /\.(tgz|gz)$/i;

/** The URI of a tar member: `tar:///abs/archive.tar#member/path`. */
export function tarMemberUri(archive: string, member: string): string {
  return `tar://${path.resolve(archive)}#${member}`;
}

export function parseTarMemberUri(uri: string): { archive: string; member: string } | undefined {
  const match = /^tar:\/\/([^#]+)#(.+)$/.exec(uri);
  return match === null ? undefined : { archive: match[1]!, member: match[2]! };
}

export function openTarStream(archive: string): Readable {
  const file = createReadStream(archive, { highWaterMark: 1 << 20 });
  if (!GZIPPED.test(archive)) return file;
  const gunzip = createGunzip();
  // A read error of the file must reach the consumer of the gunzip stream, not go unhandled.
  file.on('error', (error) => gunzip.destroy(error));
  // …and a consumer that stops early closes the file through the gunzip stream.
  gunzip.on('close', () => file.destroy());
  return file.pipe(gunzip);
}

/** A tar or tar.gz archive read in streaming passes: one to list, one per `read` call. */
export class TarSource implements ImageSource {
  readonly root: string;

  constructor(archive: string) {
    this.root = path.resolve(archive);
  }

  async list(): Promise<SourceListing> {
    const files: string[] = [];
    const dirs = new Set<string>();
    try {
      for await (const entry of readTar(openTarStream(this.root))) {
        if (entry.type === 'file') files.push(entry.path);
        else if (entry.type === 'directory') dirs.add(entry.path);
      }
    } catch (error) {
      // Keep the members read before the damage; the problem list says the rest is lost.
      return { files: files.sort(), dirs: [...dirs].sort(), problems: [this.problem(error)] };
    }
    return { files: files.sort(), dirs: [...dirs].sort(), problems: [] };
  }

  uriOf(member: string): string {
    return tarMemberUri(this.root, member);
  }

  async *read(paths: readonly string[]): AsyncIterable<ReadResult> {
    const pending = new Set(paths);
    let failure: string | undefined;
    try {
      for await (const entry of readTar(openTarStream(this.root), (p) => pending.has(p))) {
        if (entry.data === undefined || !pending.has(entry.path)) continue;
        pending.delete(entry.path);
        yield { path: entry.path, bytes: new Uint8Array(entry.data) };
        if (pending.size === 0) return;
      }
    } catch (error) {
      failure = errorText(error);
    }
    for (const p of pending) {
      yield { path: p, error: failure ?? `not found in archive ${this.root}` };
    }
  }

  private problem(error: unknown): { uri: string; reason: string } {
    return { uri: this.root, reason: `archive unreadable past this point: ${errorText(error)}` };
  }
}
