import type { StageName, StageRef } from '../pipeline/stage-ref.js';

/** The values of the `SfeStatus` search attribute. */
export const EXPERIMENT_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** What the `progress` query answers: the workflow's own view, stage by stage. */
export interface ExperimentState {
  experimentId: string;
  configHash: string;
  status: ExperimentStatus;
  /** The stage running now, or the last one that ran. */
  stage: StageName | null;
  /** Finished stages in order, with where their artifacts are and whether they were cached. */
  stages: StageRef[];
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export interface ExperimentResult {
  experimentId: string;
  configHash: string;
  /** Store key of the report folder (`<key>/report.html`, `<key>/metrics.json`); null when the
   * run stopped before the report stage (`stopAfter`). */
  reportKey: string | null;
  storageUri: string;
  headline: Record<string, unknown>;
  stages: StageRef[];
}
