import type { Rng } from '../ml/rng.js';
import { sha256Hex } from '../store/content-address.js';
import type { AugmentationOp, Role, Split } from './manifest.js';
import type { Selection, ValidImage } from './select-images.js';
import { rngFor } from './stream-seed.js';

export interface ImagePair {
  pairId: string;
  wnid: string;
  benign: ValidImage;
  adversarial: ValidImage;
}

export interface ClassShortfall {
  wnid: string;
  benign: number;
  adversarial: number;
}

export class DatasetTooSmallError extends Error {
  constructor(
    readonly shortfalls: readonly ClassShortfall[],
    readonly minimum: number,
  ) {
    const listed = shortfalls
      .map((s) => `${s.wnid} (${s.benign} benign, ${s.adversarial} adversarial)`)
      .join(', ');
    super(
      shortfalls.length === 0
        ? 'the data set has no class with both benign and adversarial images'
        : `too few usable images: ${shortfalls.length} class(es) have fewer than ${minimum} ` +
            `benign/adversarial pairs: ${listed}. Add images, lower ` +
            'data.sampling.minImagesPerClass, or drop these classes from data.classes',
    );
    this.name = 'DatasetTooSmallError';
  }
}

export interface PairOptions {
  /** Pairs kept per class at most; undefined keeps every pair. */
  imagesPerClass?: number;
  minImagesPerClass: number;
}

/**
 * Pairs the i-th drawn benign image of a class with its i-th drawn adversarial image. A class
 * missing from either role was already reported by the loader and is left out; a class that is
 * present but has fewer than `minImagesPerClass` pairs fails the whole data set, naming it.
 */
export function pairImages(
  benign: Selection,
  adversarial: Selection,
  options: PairOptions,
): ImagePair[] {
  const pairs: ImagePair[] = [];
  const shortfalls: ClassShortfall[] = [];
  const classes = [...adversarial.byClass.keys()].filter((w) => benign.byClass.has(w)).sort();
  for (const wnid of classes) {
    const b = benign.byClass.get(wnid)!;
    const a = adversarial.byClass.get(wnid)!;
    const n = Math.min(b.length, a.length, options.imagesPerClass ?? Infinity);
    if (n < options.minImagesPerClass) {
      shortfalls.push({ wnid, benign: b.length, adversarial: a.length });
      continue;
    }
    for (let i = 0; i < n; i++) {
      const pairId = shortId(`pair/${wnid}/${b[i]!.sha256}/${a[i]!.sha256}`);
      pairs.push({ pairId, wnid, benign: b[i]!, adversarial: a[i]! });
    }
  }
  if (shortfalls.length > 0 || pairs.length === 0) {
    throw new DatasetTooSmallError(shortfalls, options.minImagesPerClass);
  }
  return pairs;
}

export interface SplitOptions {
  protocol: 'leak-free' | 'paper';
  trainFraction: number;
  seed: number;
  augmentation: { enabled: boolean; copies: number };
}

/** One image of the data set to be: an original, or an augmented copy still to be rendered. */
export interface PlannedImage {
  id: string;
  wnid: string;
  role: Role;
  split: Split;
  pairId: string;
  original: ValidImage;
  augmentation: { of: string; op: AugmentationOp } | null;
}

/** One unit of splitting: a pair, or (paper protocol) one copy of a pair. */
interface Unit {
  pair: ImagePair;
  copy: number;
}

/**
 * Splits per class. `leak-free`: the pairs are split, then each training pair gets
 * `copies − 1` augmented copies, so no test image shares an original with a training image.
 * `paper`: every pair first becomes `copies` pairs (the original and `copies − 1` augmented),
 * which are then shuffled and split, as the seed paper's code does, so copies of one original
 * land on both sides. The benign and adversarial copy k of a pair share op k, keeping the pair
 * comparable. Shuffling is per class, so every class has test images under both protocols.
 */
export function planSplit(pairs: readonly ImagePair[], options: SplitOptions): PlannedImage[] {
  const copies = options.augmentation.enabled ? options.augmentation.copies : 1;
  if (options.protocol === 'paper' && copies < 2) {
    throw new Error(
      'the paper protocol augments before splitting: it needs augmentation copies ≥ 2',
    );
  }
  const byClass = new Map<string, ImagePair[]>();
  for (const pair of pairs) byClass.set(pair.wnid, [...(byClass.get(pair.wnid) ?? []), pair]);
  const opsOf = (pair: ImagePair): AugmentationOp[] =>
    drawOps(rngFor(options.seed, `augment/${pair.pairId}`), copies - 1);
  const planned: PlannedImage[] = [];
  for (const wnid of [...byClass.keys()].sort()) {
    const classPairs = byClass.get(wnid)!;
    const rng = rngFor(options.seed, `split/${options.protocol}/${wnid}`);
    if (options.protocol === 'paper') {
      const units = classPairs.flatMap((pair) =>
        Array.from({ length: copies }, (_, copy) => ({ pair, copy })),
      );
      const [train, test] = splitUnits(rng.shuffle(units), options.trainFraction);
      for (const unit of train) planned.push(...render(unit, 'train', opsOf(unit.pair)));
      for (const unit of test) planned.push(...render(unit, 'test', opsOf(unit.pair)));
    } else {
      const shuffled = rng.shuffle(classPairs.map((pair) => ({ pair, copy: 0 })));
      const [train, test] = splitUnits(shuffled, options.trainFraction);
      for (const unit of train) {
        for (let copy = 0; copy < copies; copy++) {
          planned.push(...render({ pair: unit.pair, copy }, 'train', opsOf(unit.pair)));
        }
      }
      for (const unit of test) planned.push(...render(unit, 'test', opsOf(unit.pair)));
    }
  }
  return planned;
}

/** Keeps at least one unit on each side, which `minImagesPerClass ≥ 2` makes possible. */
function splitUnits(units: Unit[], trainFraction: number): [Unit[], Unit[]] {
  const nTrain = Math.min(units.length - 1, Math.max(1, Math.round(units.length * trainFraction)));
  return [units.slice(0, nTrain), units.slice(nTrain)];
}

function render(unit: Unit, split: Split, ops: readonly AugmentationOp[]): PlannedImage[] {
  const { pair, copy } = unit;
  const op = copy === 0 ? undefined : ops[copy - 1]!;
  const pairId = copy === 0 ? pair.pairId : `${pair.pairId}/${copy}`;
  return (['benign', 'adversarial'] as const).map((role) => {
    const original = pair[role];
    const originalId = originalImageId(original);
    return {
      id: op === undefined ? originalId : shortId(`${originalId}/${JSON.stringify(op)}`),
      wnid: pair.wnid,
      role,
      split,
      pairId,
      original,
      augmentation: op === undefined ? null : { of: originalId, op },
    };
  });
}

/**
 * The ops of copies 1…count of one pair: small changes in the spirit of Keras'
 * ImageDataGenerator, so each copy still shows the same object (exactly why copies across a
 * split leak). A flip has no parameter, so it is drawn at most once: a second would be a
 * byte-identical copy.
 */
function drawOps(rng: Rng, count: number): AugmentationOp[] {
  const ops: AugmentationOp[] = [];
  let flipped = false;
  for (let i = 0; i < count; i++) {
    const kind = flipped ? 1 + rng.int(3) : rng.int(4);
    if (kind === 0) {
      flipped = true;
      ops.push({ kind: 'flip' });
    } else if (kind === 1) {
      ops.push({
        kind: 'crop',
        fraction: round3(rng.uniformIn(0.85, 0.95)),
        left: round3(rng.uniform()),
        top: round3(rng.uniform()),
      });
    } else if (kind === 2) {
      ops.push({ kind: 'rotate', degrees: round3(rng.uniformIn(-10, 10)) });
    } else {
      ops.push({ kind: 'brightness', factor: round3(rng.uniformIn(0.75, 1.25)) });
    }
  }
  return ops;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The id of an original image: stable for the same bytes in the same class and role. */
export function originalImageId(image: ValidImage): string {
  return shortId(`${image.wnid}/${image.role}/${image.sha256}`);
}

export function shortId(text: string): string {
  return sha256Hex(text).slice(0, 16);
}
