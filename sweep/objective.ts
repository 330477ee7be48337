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
  const aHas = hasObjective(a.objective);
  const bHas = hasObjective(b.objective);
  if (aHas !== bHas) return aHas ? -1 : 1;
  if (aHas && bHas && a.objective !== b.objective) {
    const better =
      direction === 'maximize' ? b.objective! - a.objective! : a.objective! - b.objective!;
    return better;
  }
  return a.index - b.index;
}
