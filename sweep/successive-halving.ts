import { compareByObjective, hasObjective, type Direction } from './objective.js';

function requirePositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${value}`);
  }
}

/** Budgets of the rungs: minResource, minResource*eta, ... strictly below maxResource, then maxResource. */
export function rungBudgets(minResource: number, eta: number, maxResource: number): number[] {
  requirePositiveInt('minResource', minResource);
  requirePositiveInt('maxResource', maxResource);
  if (!Number.isInteger(eta) || eta < 2) throw new Error(`eta must be an integer ≥ 2, got ${eta}`);
  if (minResource > maxResource) {
    throw new Error(`minResource ${minResource} exceeds maxResource ${maxResource}`);
  }
  const budgets: number[] = [];
  for (let budget = minResource; budget < maxResource; budget *= eta) budgets.push(budget);
  budgets.push(maxResource);
  return budgets;
}

/**
 * Of the trials that reached a rung, the indices that go on to the next, best first: the best
 * floor(n/eta) of the n (at least 1), ties to the lower index. A failed trial (no objective) is
 * never promoted, even when that leaves fewer than the quota.
 */
export function promoteFromRung(
  results: readonly { index: number; objective: number | null }[],
  eta: number,
  direction: Direction,
): number[] {
  if (results.length === 0) return [];
  const quota = Math.max(1, Math.floor(results.length / eta));
  return results
    .filter((result) => hasObjective(result.objective))
    .sort((a, b) => compareByObjective(a, b, direction))
    .slice(0, quota)
    .map((result) => result.index);
}
