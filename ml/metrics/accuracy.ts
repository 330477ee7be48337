export interface AccuracyResult {
  correct: number;
  total: number;
  accuracy: number;
}

/**
 * Top-1 accuracy of row-major `[N, numClasses]` scores (logits or probabilities). With
 * `subset`, the argmax runs over those class indices only: the ImageNet-A protocol scores a
 * 1000-way model by its best class among the 200 ImageNet-A classes.
 */
export function top1Accuracy(
  scores: ArrayLike<number>,
  numClasses: number,
  labels: ArrayLike<number>,
  subset?: readonly number[],
): AccuracyResult {
  const hits = top1Hits(scores, numClasses, labels, subset);
  const correct = hits.filter(Boolean).length;
  return { correct, total: hits.length, accuracy: correct / hits.length };
}

/**
 * Whether each example's top-1 class (over `subset` when given) is its label: the per-image
 * outcomes a paired test of two classifiers on the same images needs.
 */
export function top1Hits(
  scores: ArrayLike<number>,
  numClasses: number,
  labels: ArrayLike<number>,
  subset?: readonly number[],
): boolean[] {
  const total = labels.length;
  if (scores.length !== total * numClasses) {
    throw new Error(`top-1: ${scores.length} scores do not form ${total} rows of ${numClasses}`);
  }
  if (total === 0) throw new Error('top-1 accuracy of no examples is undefined');
  const candidates = subset ?? Array.from({ length: numClasses }, (_, c) => c);
  if (candidates.length === 0) throw new Error('top-1: the class subset is empty');
  for (const c of candidates) {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new Error(`top-1: class ${c} is outside [0, ${numClasses})`);
    }
  }
  return Array.from({ length: total }, (_, i) => {
    const row = i * numClasses;
    let best = candidates[0]!;
    for (const c of candidates) if (scores[row + c]! > scores[row + best]!) best = c;
    return best === labels[i];
  });
}
