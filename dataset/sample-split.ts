import { sha256Hex } from '../store/content-address.js';
import { drawAugmentationOps, TRAINING_SPREAD } from './augmentation-ops.js';
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
  /** The original an image was made from; images with one original stay on one side of the
   * leak-free split. Defaults to the image itself (`originalImageId`). */
  originOf?: (image: ValidImage) => string;
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
 * Pairs that share an original (views of one photo, under adversarial filtration) are split as
 * one group; a class whose pairs all share one original cannot be split within itself, so such
 * classes are split among each other, whole.
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
    drawAugmentationOps(
      rngFor(options.seed, `augment/${pair.pairId}`),
      copies - 1,
      TRAINING_SPREAD,
    );
  const planned: PlannedImage[] = [];
  const placeGroups = (groups: ImagePair[][]): void => {
    const [train, test] = splitUnits(groups, options.trainFraction);
    for (const pair of train.flat()) {
      for (let copy = 0; copy < copies; copy++) {
        planned.push(...render({ pair, copy }, 'train', opsOf(pair)));
      }
    }
    for (const pair of test.flat()) planned.push(...render({ pair, copy: 0 }, 'test', opsOf(pair)));
  };
  const singleOrigin: ImagePair[][] = [];
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
      continue;
    }
    const groups = groupByOrigin(classPairs, options.originOf ?? originalImageId);
    if (groups.length < 2) singleOrigin.push(...groups);
    else placeGroups(rng.shuffle(groups));
  }
  if (singleOrigin.length > 0) {
    placeGroups(rngFor(options.seed, 'split/leak-free/single-origin').shuffle(singleOrigin));
  }
  return planned;
}

/** Pairs joined by a shared original, each group where its first pair was. */
function groupByOrigin(
  pairs: readonly ImagePair[],
  originOf: (image: ValidImage) => string,
): ImagePair[][] {
  const groupOf = new Map<string, ImagePair[]>();
  const groups: ImagePair[][] = [];
  const claim = (group: ImagePair[], pair: ImagePair): void => {
    groupOf.set(originOf(pair.benign), group);
    groupOf.set(originOf(pair.adversarial), group);
  };
  for (const pair of pairs) {
    const found: ImagePair[][] = [];
    for (const image of [pair.benign, pair.adversarial]) {
      const group = groupOf.get(originOf(image));
      if (group !== undefined && !found.includes(group)) found.push(group);
    }
    const group = found[0] ?? [];
    if (found.length === 0) groups.push(group);
    for (const other of found.slice(1)) {
      group.push(...other);
      for (const member of other) claim(group, member);
      groups.splice(groups.indexOf(other), 1);
    }
    group.push(pair);
    claim(group, pair);
  }
  return groups;
}

/** Keeps at least one unit on each side when there are two or more. */
function splitUnits<T>(units: T[], trainFraction: number): [T[], T[]] {
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

/** The id of an original image: stable for the same bytes in the same class and role. */
export function originalImageId(image: ValidImage): string {
  return shortId(`${image.wnid}/${image.role}/${image.sha256}`);
}

export function shortId(text: string): string {
  return sha256Hex(text).slice(0, 16);
}
