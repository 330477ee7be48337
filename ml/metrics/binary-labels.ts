/** Scores and 0/1 labels of a binary problem, checked; higher scores mean "more positive". */
export interface BinaryScores {
  scores: ArrayLike<number>;
  /** 1 = positive, 0 = negative. */
  labels: ArrayLike<number>;
}

export class DegenerateLabelsError extends Error {
  constructor(metric: string, detail: string) {
    super(`${metric} is undefined: ${detail}`);
    this.name = 'DegenerateLabelsError';
  }
}

/** Counts positives and negatives after checking lengths, labels and scores. */
export function countClasses(
  metric: string,
  { scores, labels }: BinaryScores,
): { positives: number; negatives: number } {
  if (scores.length !== labels.length) {
    throw new Error(`${metric}: ${scores.length} scores but ${labels.length} labels`);
  }
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1)
      throw new Error(`${metric}: label ${i} is ${label}, not 0 or 1`);
    if (Number.isNaN(scores[i])) throw new Error(`${metric}: score ${i} is NaN`);
    positives += label;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new DegenerateLabelsError(
      metric,
      `needs both classes, found ${positives} positive and ${negatives} negative examples`,
    );
  }
  return { positives, negatives };
}

/** `labels` with `positiveLabel` as 1 and the other class as 0. */
export function relabel(labels: ArrayLike<number>, positiveLabel: 0 | 1): ArrayLike<number> {
  return positiveLabel === 1 ? labels : Array.from(labels, (l) => (l === 0 ? 1 : l === 1 ? 0 : l));
}
