export type Direction = 'maximize' | 'minimize';

/** A usable objective: failed trials and NaN metrics carry none. */
export function hasObjective(objective: number | null): objective is number {
  return objective !== null && !Number.isNaN(objective);
}

/**
 * Orders two (index, objective) pairs best first for `direction`; missing objectives sort last and
 * ties go to the lower index, so every ranking in a sweep is total and reproducible.
 */
export function compareByObjective(
  a: { index: number; objective: number | null },
  b: { index: number; objective: number | null },
  direction: Direction,
): number {
  const x = a.objective;
  const y = b.objective;
  const xHas = hasObjective(x);
  const yHas = hasObjective(y);
  if (xHas !== yHas) return xHas ? -1 : 1;
  if (xHas && yHas && x !== y) {
    const aBetter = direction === 'maximize' ? x > y : x < y;
    return aBetter ? -1 : 1;
  }
  return a.index - b.index;
}

/** The count behind an accuracy objective: k of n images. */
export interface ObjectiveCount {
  correct: number;
  total: number;
}

/**
 * The count behind `metric` in an experiment's headline (`<metric>Correct`, `<metric>Total`),
 * or null for a metric that is not a proportion of images (an AUROC).
 */
export function objectiveCountOf(
  headline: Record<string, unknown>,
  metric: string,
): ObjectiveCount | null {
  const correct = headline[`${metric}Correct`];
  const total = headline[`${metric}Total`];
  return typeof correct === 'number' && typeof total === 'number' && total > 0
    ? { correct, total }
    : null;
}
