import assert from 'node:assert/strict';
import { averagePrecision } from '../../../ml/metrics/average-precision.js';
import { DegenerateLabelsError } from '../../../ml/metrics/binary-labels.js';
import { detectionAccuracy } from '../../../ml/metrics/detection-accuracy.js';
import { auroc, fprAtTpr, rocCurve, tprAtFpr } from '../../../ml/metrics/roc.js';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

// Positives score 0.9 and 0.7; negatives 0.8, 0.6, 0.5.
const distinct = { scores: [0.9, 0.8, 0.7, 0.6, 0.5], labels: [1, 0, 1, 0, 0] };
// A positive and a negative tie at 0.5.
const tied = { scores: [0.9, 0.5, 0.5, 0.1], labels: [1, 1, 0, 0] };

describe('ranking metrics', () => {
  it('AUROC counts correctly ordered positive–negative pairs', () => {
    // 0.9 beats all three negatives, 0.7 beats 0.6 and 0.5: 5 of 6 pairs.
    close(auroc(distinct), 5 / 6);
  });

  it('AUROC counts a tie as half a pair', () => {
    // Pairs (0.9,0.5)=1, (0.9,0.1)=1, (0.5,0.5)=½, (0.5,0.1)=1: 3.5 of 4.
    close(auroc(tied), 3.5 / 4);
    // Every score equal: chance level.
    close(auroc({ scores: [1, 1, 1, 1], labels: [0, 1, 0, 1] }), 0.5);
  });

  it('the ROC curve has one point per distinct score, ties as one diagonal step', () => {
    assert.deepEqual(rocCurve(tied), [
      { threshold: Infinity, fpr: 0, tpr: 0 },
      { threshold: 0.9, fpr: 0, tpr: 0.5 },
      { threshold: 0.5, fpr: 0.5, tpr: 1 },
      { threshold: 0.1, fpr: 1, tpr: 1 },
    ]);
  });

  it('average precision sums precision × recall gain over thresholds', () => {
    // 0.9: recall ½ at precision 1; 0.8: no recall gain; 0.7: recall 1 at precision ⅔.
    close(averagePrecision(distinct), 0.5 * 1 + 0.5 * (2 / 3));
    // Tie at 0.5: recall ½ → 1 at precision ⅔ in one step.
    close(averagePrecision(tied), 0.5 * 1 + 0.5 * (2 / 3));
  });

  it('average precision with label 0 as the positive class', () => {
    // Positives are now 0.8, 0.6, 0.5. Thresholds: 0.8 → R ⅓, P ½; 0.6 → R ⅔, P 2/4;
    // 0.5 → R 1, P ⅗. AP = ⅓·½ + ⅓·½ + ⅓·⅗ = 8/15.
    close(averagePrecision(distinct, 0), 8 / 15);
  });

  it('FPR at 95% TPR takes the first threshold that recovers 19 of 20 positives', () => {
    // Positives: 11..29 and one at 0.5; negatives: 1..10, 20.5 and 25.5. At threshold 11,
    // 19/20 positives are above it, and of the negatives only 20.5 and 25.5: FPR = 2/12.
    const positives = [...Array.from({ length: 19 }, (_, k) => k + 11), 0.5];
    const negatives = [...Array.from({ length: 10 }, (_, k) => k + 1), 20.5, 25.5];
    const data = {
      scores: [...positives, ...negatives],
      labels: [...positives.map(() => 1), ...negatives.map(() => 0)],
    };
    close(fprAtTpr(data, 0.95), 2 / 12);
  });

  it('TPR at 5% FPR is the best TPR while at most 1 of 20 negatives is above threshold', () => {
    // Negatives 1..20; positives 25, 19.5, 18.5, 0.5. Above 19.5: one negative (20), two
    // positives; going lower to 19 brings a second negative (FPR 10%).
    const negatives = Array.from({ length: 20 }, (_, k) => k + 1);
    const positives = [25, 19.5, 18.5, 0.5];
    const data = {
      scores: [...negatives, ...positives],
      labels: [...negatives.map(() => 0), ...positives.map(() => 1)],
    };
    close(tprAtFpr(data, 0.05), 2 / 4);
  });

  it('ranking metrics refuse a single class with a clear error', () => {
    const oneClass = { scores: [0.1, 0.7, 0.3], labels: [1, 1, 1] };
    for (const metric of [auroc, averagePrecision, fprAtTpr, tprAtFpr, rocCurve]) {
      assert.throws(() => metric(oneClass), DegenerateLabelsError);
    }
    assert.throws(() => auroc({ scores: [], labels: [] }), DegenerateLabelsError);
    assert.throws(() => auroc({ scores: [0.1, 0.2], labels: [0] }), /2 scores but 1 labels/);
    assert.throws(() => auroc({ scores: [0.1, 0.2], labels: [0, 2] }), /not 0 or 1/);
    assert.throws(() => auroc({ scores: [0.1, NaN], labels: [0, 1] }), /NaN/);
  });

  it('detection accuracy calls scores strictly above the threshold positive', () => {
    // Predictions 0, 0 (0.5 is not above 0.5), 1, 1 against 0, 1, 1, 0: two right.
    close(detectionAccuracy({ scores: [0.2, 0.5, 0.7, 0.9], labels: [0, 1, 1, 0] }), 0.5);
    // Threshold 0.1 calls all four positive: right on the two positives.
    close(detectionAccuracy({ scores: [0.2, 0.5, 0.7, 0.9], labels: [0, 1, 1, 0] }, 0.1), 0.5);
    // One class is fine here: all four benign, one scored above 0.6.
    close(detectionAccuracy({ scores: [0.2, 0.5, 0.7, 0.1], labels: [0, 0, 0, 0] }, 0.6), 0.75);
    assert.throws(() => detectionAccuracy({ scores: [], labels: [] }), /no examples/);
  });
});
