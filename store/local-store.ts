import { randomBytes } from 'node:crypto';
import {
  link,
  mkdir,
  open,
  readdir,
  rename,
  rmdir,
  stat,
  unlink,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ArtifactNotFoundError, type ArtifactStore } from './artifact-store.js';
import { RESERVED_SEGMENT_PREFIX, validateKey, validatePrefix } from './keys.js';

/** Errors that mean "no object under this key" (a missing file, or a folder in its place). */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * The embedded default store: one file per key below a root folder. Every write goes to a temp
 * file in the target's folder, is fsynced and then renamed over the target, so a crash leaves
 * either the old object or the new one, never a torn one.
 */
export class LocalStore implements ArtifactStore {
  readonly uri: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.uri = pathToFileURL(this.root).href;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.writeAtomically(key, async (file) => {
      await file.writeFile(data);
    });
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    let written = false;
    await this.writeAtomically(
      key,
      async (file) => {
        await file.writeFile(data);
      },
      async (temp, target) => {
        // link() fails with EEXIST instead of replacing, which makes create-if-absent atomic.
        try {
          await link(temp, target);
          written = true;
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error;
        }
        await unlink(temp);
      },
    );
    return written;
  }

  async putStream(key: string, stream: Readable): Promise<void> {
    await this.writeAtomically(key, async (file) => {
      for await (const chunk of stream) await file.write(chunk as Uint8Array);
    });
  }

  async get(key: string): Promise<Uint8Array> {
    const file = await this.openForRead(key);
    try {
      const buffer = await file.readFile();
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } finally {
      await file.close();
    }
  }

  async getStream(key: string): Promise<Readable> {
    const file = await this.openForRead(key);
    return file.createReadStream();
  }

  async exists(key: string): Promise<boolean> {
    validateKey(key);
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (NOT_FOUND_CODES.has(errorCode(error) ?? '')) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix);
    // Walk only the deepest folder the prefix names completely; a partial last segment filters.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: string[] = [];
    await this.walk(folder, keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if (NOT_FOUND_CODES.has(errorCode(error) ?? '')) return;
      throw error;
    }
    await this.pruneEmptyFolders(path.dirname(this.pathOf(key)));
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private async openForRead(key: string): Promise<FileHandle> {
    validateKey(key);
    let file: FileHandle;
    try {
      file = await open(this.pathOf(key), 'r');
    } catch (error) {
      if (NOT_FOUND_CODES.has(errorCode(error) ?? '')) {
        throw new ArtifactNotFoundError(key, this.uri);
      }
      throw error;
    }
    // Opening a folder read-only succeeds on Linux; a folder is not an object.
    if (!(await file.stat()).isFile()) {
      await file.close();
      throw new ArtifactNotFoundError(key, this.uri);
    }
    return file;
  }

  private async writeAtomically(
    key: string,
    write: (file: FileHandle) => Promise<void>,
    publish: (temp: string, target: string) => Promise<void> = rename,
  ): Promise<void> {
    validateKey(key);
    const target = this.pathOf(key);
    const folder = path.dirname(target);
    const temp = path.join(
      folder,
      `${RESERVED_SEGMENT_PREFIX}${path.basename(target)}-${randomBytes(6).toString('hex')}`,
    );
    const file = await this.createTemp(folder, temp);
    try {
      try {
        await write(file);
        await file.sync();
      } finally {
        await file.close();
      }
      await publish(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncFolder(folder);
  }

  /** Creates the temp file, recreating its folder if a concurrent delete pruned it meanwhile. */
  private async createTemp(folder: string, temp: string): Promise<FileHandle> {
    for (let attempt = 0; ; attempt++) {
      await mkdir(folder, { recursive: true });
      try {
        return await open(temp, 'wx');
      } catch (error) {
        if (errorCode(error) !== 'ENOENT' || attempt >= 5) throw error;
      }
    }
  }

  /** Removes folders emptied by a delete, up to (not including) the root. */
  private async pruneEmptyFolders(folder: string): Promise<void> {
    for (let current = folder; current.startsWith(this.root + path.sep);) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty, or already gone: either way nothing more to prune
      }
      current = path.dirname(current);
    }
  }

  private async walk(folder: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder === '' ? this.root : this.pathOf(folder), {
        withFileTypes: true,
      });
    } catch (error) {
      if (NOT_FOUND_CODES.has(errorCode(error) ?? '')) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(RESERVED_SEGMENT_PREFIX)) continue;
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(key, keys);
      else if (entry.isFile()) keys.push(key);
    }
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}
