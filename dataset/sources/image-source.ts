import type { Problem } from '../manifest.js';

export interface SourceListing {
  /** Every file, as a '/'-separated path relative to the source root, sorted. */
  files: string[];
  /** Folders the source knows of, so that empty ones can be reported (none for S3). */
  dirs: string[];
  /** What made part of the source unreadable (a corrupt archive, a folder without access). */
  problems: Problem[];
}

export type ReadResult = { path: string; bytes: Uint8Array } | { path: string; error: string };

/** A tree of files under one root: a local folder, a tar archive or an artifact-store prefix. */
export interface ImageSource {
  readonly root: string;
  /**
   * `descend` may skip folders by name where a source can (a local folder: ImageNet train holds
   * 1.28 M files, of which a run may want a fifth); others list everything.
   */
  list(descend?: (folderName: string) => boolean): Promise<SourceListing>;
  /** The URI a manifest records for `path`, readable by `dataset/image-reader.ts`. */
  uriOf(path: string): string;
  /** The bytes of each path, in any order, each exactly once; a failure is a result, not a throw. */
  read(paths: readonly string[]): AsyncIterable<ReadResult>;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads `paths` a few at a time (bounded memory and open files), yielding results in order. */
export async function* readInBatches(
  paths: readonly string[],
  concurrency: number,
  readOne: (path: string) => Promise<ReadResult>,
): AsyncIterable<ReadResult> {
  for (let start = 0; start < paths.length; start += concurrency) {
    yield* await Promise.all(paths.slice(start, start + concurrency).map(readOne));
  }
}
