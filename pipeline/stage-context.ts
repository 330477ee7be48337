import type { ArtifactStore } from '../store/artifact-store.js';

/** Where a long stage is: shown by `sfe status`/`watch` and carried in activity heartbeats. */
export interface StageProgress {
  /** What is being counted: 'images', 'iterations', 'epochs'. */
  unit: string;
  done: number;
  total: number;
  /** Latest values worth watching, e.g. losses. */
  recent?: Record<string, number>;
  /** The last committed checkpoint, from which a retried attempt resumes. */
  checkpointKey?: string;
}

/** What domain stage code may use of its runtime, whatever runs it (an activity, a test). */
export interface StageContext {
  store: ArtifactStore;
  /** Part of every cache key: bump it when a stage's computation changes. */
  codeVersion: string;
  progress(progress: StageProgress): void;
  /** Aborted when the run is cancelled or the worker shuts down: save state and stop. */
  signal: AbortSignal;
  log(line: string): void;
}
