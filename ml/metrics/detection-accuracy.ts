import type { BinaryScores } from './binary-labels.js';

/**
 * Share of examples classified correctly when scores strictly above `threshold` are called
 * positive (Keras `binary_accuracy`). Defined for one class too, unlike the ranking metrics.
 */
export function detectionAccuracy({ scores, labels }: BinaryScores, threshold = 0.5): number {
  if (scores.length !== labels.length) {
    throw new Error(`detection accuracy: ${scores.length} scores but ${labels.length} labels`);
  }
  if (scores.length === 0) throw new Error('detection accuracy of no examples is undefined');
  let correct = 0;
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i]! > threshold ? 1 : 0) === labels[i]) correct++;
  }
  return correct / scores.length;
}
