import type { ArtifactStore } from '../../store/artifact-store.js';
import {
  errorText,
  readInBatches,
  type ImageSource,
  type ReadResult,
  type SourceListing,
} from './image-source.js';

const READ_CONCURRENCY = 8;

/** The objects under an artifact store's root, e.g. a store opened on `s3://bucket/imagenet-a`. */
export class StoreSource implements ImageSource {
  readonly root: string;

  constructor(private readonly store: ArtifactStore) {
    this.root = store.uri;
  }

  async list(): Promise<SourceListing> {
    try {
      return { files: await this.store.list(''), dirs: [], problems: [] };
    } catch (error) {
      return {
        files: [],
        dirs: [],
        problems: [{ uri: this.root, reason: `cannot list: ${errorText(error)}` }],
      };
    }
  }

  uriOf(key: string): string {
    return `${this.root.replace(/\/$/, '')}/${key}`;
  }

  read(paths: readonly string[]): AsyncIterable<ReadResult> {
    return readInBatches(paths, READ_CONCURRENCY, (path) => this.readOne(path));
  }

  private async readOne(key: string): Promise<ReadResult> {
    try {
      return { path: key, bytes: await this.store.get(key) };
    } catch (error) {
      return { path: key, error: `cannot read: ${errorText(error)}` };
    }
  }
}
