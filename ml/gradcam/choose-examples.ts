/** What the defense did to one image's top-1 answer. */
export type DefenseOutcome = 'fixed' | 'broken' | 'unchanged-right' | 'unchanged-wrong';

export const DEFENSE_OUTCOMES: readonly DefenseOutcome[] = [
  'fixed',
  'broken',
  'unchanged-wrong',
  'unchanged-right',
];

export function defenseOutcome(undefendedRight: boolean, defendedRight: boolean): DefenseOutcome {
  if (undefendedRight === defendedRight)
    return undefendedRight ? 'unchanged-right' : 'unchanged-wrong';
  return defendedRight ? 'fixed' : 'broken';
}

export interface ExampleCandidate {
  /** The class it belongs to (any stable key, e.g. the wnid). */
  classKey: string;
  /** Its test set, e.g. `adversarial` or `benign`. */
  set: string;
  outcome: DefenseOutcome;
}

/**
 * Picks `count` examples that show what the defense does, not the first few files: it takes
 * turns over the outcomes (fixed, broken, unchanged wrong, unchanged right), and within an
 * outcome over the sets and classes, each class once before any class twice. Deterministic:
 * the candidates' order breaks every tie.
 */
export function chooseExamples<T extends ExampleCandidate>(
  candidates: readonly T[],
  count: number,
): T[] {
  const queues = DEFENSE_OUTCOMES.map((outcome) =>
    spreadOverClasses(candidates.filter((c) => c.outcome === outcome)),
  );
  const chosen: T[] = [];
  while (chosen.length < count && queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next !== undefined && chosen.length < count) chosen.push(next);
    }
  }
  return chosen;
}

/** Round-robin over (set, class) groups in the order they first appear. */
function spreadOverClasses<T extends ExampleCandidate>(candidates: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const c of candidates) {
    const key = `${c.set}\u0000${c.classKey}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const lists = [...groups.values()];
  const out: T[] = [];
  for (let round = 0; out.length < candidates.length; round++) {
    for (const list of lists) if (list[round] !== undefined) out.push(list[round]!);
  }
  return out;
}
