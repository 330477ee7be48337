import { compareByObjective, type Direction, type ObjectiveCount } from './objective.js';
import type { TrialParams } from './sweep-spec.js';

export type TrialStatus = 'completed' | 'failed' | 'stopped' | 'running' | 'pending';

export interface TrialRecord {
  index: number;
  experimentId: string;
  params: TrialParams;
  status: TrialStatus;
  objective: number | null;
  /** k of n behind an accuracy objective, so the board can give its interval. */
  objectiveCount?: ObjectiveCount | null;
  /** The training budget the trial ran (or runs) to. */
  resource: number | null;
  /** Set when early stopping ended the trial at this budget. */
  stoppedAtResource: number | null;
  reportKey: string | null;
}

/** Finished trials rank above trials stopped early, whose objective was measured on less training. */
const GROUP_RANK: Record<TrialStatus, number> = {
  completed: 0,
  stopped: 1,
  failed: 2,
  running: 2,
  pending: 2,
};

/** Completed trials best first, then stopped ones best first, then the rest; ties by index. */
export function leaderboard(trials: readonly TrialRecord[], direction: Direction): TrialRecord[] {
  return [...trials].sort((a, b) => {
    const group = GROUP_RANK[a.status] - GROUP_RANK[b.status];
    if (group !== 0) return group;
    if (GROUP_RANK[a.status] === 2) return a.index - b.index;
    return compareByObjective(a, b, direction);
  });
}
