import type { Rng } from '../../ml/rng.js';
import { drawAugmentationOps, type OpSpread } from '../augmentation-ops.js';
import type { AugmentationOp } from '../manifest.js';

/** The whole photo, re-encoded: view 0, so that the photo itself is a candidate too. */
export const WHOLE_PHOTO: AugmentationOp = { kind: 'crop', fraction: 1, left: 0, top: 0 };

/**
 * Wider than training augmentation: a tight crop or a tilted frame is still a fair photo of the
 * object, and is where a classifier that leans on context goes wrong — the kind of image
 * adversarial filtration collects.
 */
export const VIEW_SPREAD: OpSpread = {
  weights: { flip: 1, crop: 5, rotate: 2, brightness: 2 },
  cropFraction: [0.4, 0.8],
  rotateDegrees: [-30, 30],
  brightnessFactor: [0.5, 1.5],
};

/** The ops of a photo's `views` candidate views: the whole photo, then seeded changes. */
export function drawViewOps(rng: Rng, views: number): AugmentationOp[] {
  return [WHOLE_PHOTO, ...drawAugmentationOps(rng, views - 1, VIEW_SPREAD)];
}
