import { countClasses, type BinaryScores } from './binary-labels.js';

export interface RocPoint {
  /** Examples scoring ≥ threshold are called positive. */
  threshold: number;
  fpr: number;
  tpr: number;
}

/**
 * Counts of true and false positives at each distinct score, highest first. Tied scores form
 * one step, so a tie between classes becomes a diagonal ROC segment (worth half a pair).
 */
export function thresholdSteps(
  metric: string,
  data: BinaryScores,
): { threshold: number; tp: number; fp: number }[] & { positives: number; negatives: number } {
  const { positives, negatives } = countClasses(metric, data);
  const order = Array.from({ length: data.scores.length }, (_, i) => i).sort(
    (a, b) => data.scores[b]! - data.scores[a]!,
  );
  const steps: { threshold: number; tp: number; fp: number }[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (data.labels[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || data.scores[next] !== data.scores[i]) {
      steps.push({ threshold: data.scores[i]!, tp, fp });
    }
  }
  return Object.assign(steps, { positives, negatives });
}

/** The ROC curve from (0, 0) (threshold +∞) to (1, 1), one point per distinct score. */
export function rocCurve(data: BinaryScores): RocPoint[] {
  const steps = thresholdSteps('ROC', data);
  return [
    { threshold: Infinity, fpr: 0, tpr: 0 },
    ...steps.map((s) => ({
      threshold: s.threshold,
      fpr: s.fp / steps.negatives,
      tpr: s.tp / steps.positives,
    })),
  ];
}

/** Area under the ROC curve by the trapezoid rule; equals the Mann–Whitney U with ties as ½. */
export function auroc(data: BinaryScores): number {
  const curve = rocCurve(data);
  let area = 0;
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}

/** FPR at the first threshold whose TPR reaches `tpr` (FPR95 for 0.95; no interpolation). */
export function fprAtTpr(data: BinaryScores, tpr = 0.95): number {
  const point = rocCurve(data).find((p) => p.tpr >= tpr);
  // The last ROC point has TPR 1, so one always exists.
  return point!.fpr;
}

/** The best TPR among thresholds whose FPR stays at or below `fpr` (no interpolation). */
export function tprAtFpr(data: BinaryScores, fpr = 0.05): number {
  let best = 0;
  for (const p of rocCurve(data)) if (p.fpr <= fpr) best = Math.max(best, p.tpr);
  return best;
}
