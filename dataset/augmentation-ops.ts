import type { Rng } from '../ml/rng.js';
import type { AugmentationOp } from './manifest.js';

/** The kinds of op drawn at random; an attack needs the target model (adversarialFrom attack). */
type DrawnKind = (typeof KINDS)[number];

/** How often each kind of op is drawn (relative weights) and how far its parameter goes. */
export interface OpSpread {
  weights: Record<DrawnKind, number>;
  /** Share of each side a crop keeps. */
  cropFraction: [number, number];
  rotateDegrees: [number, number];
  brightnessFactor: [number, number];
}

/** Small changes in the spirit of Keras' ImageDataGenerator: each copy still shows the same
 * object (exactly why copies across a split leak). */
export const TRAINING_SPREAD: OpSpread = {
  weights: { flip: 1, crop: 1, rotate: 1, brightness: 1 },
  cropFraction: [0.85, 0.95],
  rotateDegrees: [-10, 10],
  brightnessFactor: [0.75, 1.25],
};

const KINDS = ['flip', 'crop', 'rotate', 'brightness'] as const;

/** `count` seeded ops. A flip has no parameter, so it is drawn at most once: a second would be
 * a byte-identical copy. */
export function drawAugmentationOps(rng: Rng, count: number, spread: OpSpread): AugmentationOp[] {
  const ops: AugmentationOp[] = [];
  let flipped = false;
  for (let i = 0; i < count; i++) {
    const kinds: readonly DrawnKind[] = flipped ? KINDS.slice(1) : KINDS;
    let draw = rng.int(kinds.reduce((n, k) => n + spread.weights[k], 0));
    const kind = kinds.find((k) => (draw -= spread.weights[k]) < 0)!;
    if (kind === 'flip') {
      flipped = true;
      ops.push({ kind: 'flip' });
    } else if (kind === 'crop') {
      ops.push({
        kind: 'crop',
        fraction: round3(rng.uniformIn(...spread.cropFraction)),
        left: round3(rng.uniform()),
        top: round3(rng.uniform()),
      });
    } else if (kind === 'rotate') {
      ops.push({ kind: 'rotate', degrees: round3(rng.uniformIn(...spread.rotateDegrees)) });
    } else {
      ops.push({ kind: 'brightness', factor: round3(rng.uniformIn(...spread.brightnessFactor)) });
    }
  }
  return ops;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
