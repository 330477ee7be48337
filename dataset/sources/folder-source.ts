import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../manifest.js';
import {
  errorText,
  readInBatches,
  type ImageSource,
  type ReadResult,
  type SourceListing,
} from './image-source.js';

const READ_CONCURRENCY = 8;

export class FolderSource implements ImageSource {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async list(descend: (folderName: string) => boolean = () => true): Promise<SourceListing> {
    const files: string[] = [];
    const dirs: string[] = [];
    const problems: Problem[] = [];
    const walk = async (relative: string): Promise<void> => {
      const absolute = path.join(this.root, relative);
      let children;
      try {
        children = await readdir(absolute, { withFileTypes: true });
      } catch (error) {
        problems.push({ uri: absolute, reason: `cannot list folder: ${errorText(error)}` });
        return;
      }
      for (const child of children) {
        const childPath = relative === '' ? child.name : `${relative}/${child.name}`;
        if (child.isDirectory()) {
          if (!descend(child.name)) continue;
          dirs.push(childPath);
          await walk(childPath);
        } else if (child.isFile()) {
          files.push(childPath);
        }
      }
    };
    await walk('');
    return { files: files.sort(), dirs: dirs.sort(), problems };
  }

  uriOf(relative: string): string {
    return path.join(this.root, ...relative.split('/'));
  }

  read(paths: readonly string[]): AsyncIterable<ReadResult> {
    return readInBatches(paths, READ_CONCURRENCY, (path) => this.readOne(path));
  }

  private async readOne(relative: string): Promise<ReadResult> {
    try {
      const buffer = await readFile(this.uriOf(relative));
      return {
        path: relative,
        bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length),
      };
    } catch (error) {
      return { path: relative, error: `cannot read: ${errorText(error)}` };
    }
  }
}
