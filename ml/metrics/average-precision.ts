import { relabel, type BinaryScores } from './binary-labels.js';
import { thresholdSteps } from './roc.js';

/**
 * Area under the precision–recall curve as average precision (scikit-learn's definition):
 * Σ (Rₙ − Rₙ₋₁)·Pₙ over distinct thresholds, highest first. `positiveLabel` picks which label
 * counts as positive (e.g. OOD = 1 for AUPR-out); higher scores must mean "more positive".
 */
export function averagePrecision(data: BinaryScores, positiveLabel: 0 | 1 = 1): number {
  const steps = thresholdSteps('AUPR', {
    scores: data.scores,
    labels: relabel(data.labels, positiveLabel),
  });
  let ap = 0;
  let previousRecall = 0;
  for (const s of steps) {
    const recall = s.tp / steps.positives;
    ap += (recall - previousRecall) * (s.tp / (s.tp + s.fp));
    previousRecall = recall;
  }
  return ap;
}
