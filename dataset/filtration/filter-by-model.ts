import { sha256Hex } from '../../store/content-address.js';
import { augmentImage } from '../augment.js';
import type { ClassTree } from '../loaders/wnid-tree.js';
import type { AugmentationOp, Problem } from '../manifest.js';
import { originalImageId } from '../sample-split.js';
import { readSelectedPhotos, selectedPhotos } from '../read-selected-photos.js';
import type { Selection, ValidImage } from '../select-images.js';
import { rngFor } from '../stream-seed.js';
import { drawViewOps } from './view-ops.js';

export type FilteredRole = 'benign' | 'adversarial';

/** The target model's top-1 class (a wnid) for each image, in order. */
export type ClassifyImages = (images: readonly Uint8Array[]) => Promise<string[]>;

/** Stores one view in the filtered image tree, `<role>/<wnid>/<name>`. */
export type WriteView = (
  role: FilteredRole,
  wnid: string,
  name: string,
  bytes: Uint8Array,
) => Promise<void>;

export interface FiltrationOptions {
  /** Candidate views per photo (`drawViewOps`). */
  views: number;
  seed: number;
  /** A class is kept when its views make at least this many benign/adversarial pairs. */
  minPairs: number;
  /** Views classified per call. */
  batchSize: number;
}

export interface FilteredClass {
  wnid: string;
  photos: number;
  views: number;
  /** Views the model got wrong: the adversarial images. */
  misclassified: number;
  /** The model's wrong answers, most frequent first (at most three). */
  mistakenFor: { wnid: string; views: number }[];
  kept: boolean;
}

export interface Filtration {
  /** Every class with a photo, by wnid. */
  classes: FilteredClass[];
  /** View sha256 → the photo it shows (its `originalImageId`) and the op that made it. */
  lineage: Record<string, { of: string; op: AugmentationOp }>;
  /** One per class left out, saying why. */
  problems: Problem[];
}

interface PendingView {
  photo: ValidImage;
  index: number;
  op: AugmentationOp;
  bytes: Uint8Array;
}

interface Tally {
  photos: number;
  views: number;
  misclassified: number;
  mistakenFor: Map<string, number>;
}

/**
 * Adversarial filtration, the way ImageNet-A was collected: show the target model each selected
 * photo in several views and keep the views it gets wrong as adversarial images, the views it
 * gets right as their benign partners. Every view is written out as soon as it is classified, so
 * memory holds one batch whatever the number of photos.
 */
export async function filterByModel(
  tree: ClassTree,
  selection: Selection,
  options: FiltrationOptions,
  deps: {
    classify: ClassifyImages;
    write: WriteView;
    onProgress?: (photosDone: number, photosTotal: number) => void;
  },
): Promise<Filtration> {
  const photos = selectedPhotos(selection);
  const tallies = new Map<string, Tally>();
  const lineage: Filtration['lineage'] = {};
  let pending: PendingView[] = [];

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const predicted = await deps.classify(batch.map((v) => v.bytes));
    await Promise.all(
      batch.map(async (view, i) => {
        const { wnid } = view.photo;
        const answer = predicted[i]!;
        const tally = tallies.get(wnid)!;
        tally.views++;
        if (answer !== wnid) {
          tally.misclassified++;
          tally.mistakenFor.set(answer, (tally.mistakenFor.get(answer) ?? 0) + 1);
        }
        const photoId = originalImageId(view.photo);
        lineage[sha256Hex(view.bytes)] = { of: photoId, op: view.op };
        const role = answer === wnid ? 'benign' : 'adversarial';
        await deps.write(role, wnid, `${photoId}-${view.index}.jpg`, view.bytes);
      }),
    );
  };

  let done = 0;
  deps.onProgress?.(done, photos.length);
  for await (const { photo, bytes } of readSelectedPhotos(tree, photos)) {
    const tally = tallies.get(photo.wnid) ?? {
      photos: 0,
      views: 0,
      misclassified: 0,
      mistakenFor: new Map<string, number>(),
    };
    tally.photos++;
    tallies.set(photo.wnid, tally);
    const ops = drawViewOps(rngFor(options.seed, `view/${originalImageId(photo)}`), options.views);
    const views = await Promise.all(ops.map((op) => augmentImage(bytes, op)));
    views.forEach((view, index) => pending.push({ photo, index, op: ops[index]!, bytes: view }));
    if (pending.length >= options.batchSize) await flush();
    deps.onProgress?.(++done, photos.length);
  }
  await flush();

  const classes: FilteredClass[] = [];
  const problems: Problem[] = [];
  for (const wnid of [...tallies.keys()].sort()) {
    const t = tallies.get(wnid)!;
    const pairs = Math.min(t.misclassified, t.views - t.misclassified);
    const kept = pairs >= options.minPairs;
    classes.push({
      wnid,
      photos: t.photos,
      views: t.views,
      misclassified: t.misclassified,
      mistakenFor: [...t.mistakenFor]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 3)
        .map(([answer, views]) => ({ wnid: answer, views })),
      kept,
    });
    if (!kept) {
      problems.push({
        uri: tree.source.uriOf(wnid),
        reason:
          `adversarial filtration: the target model got ${t.misclassified} of ${t.views} views ` +
          `of ${t.photos} photo(s) wrong, fewer than ${options.minPairs} benign/adversarial pairs`,
      });
    }
  }
  return { classes, lineage, problems };
}

/** A type, not an interface: artifact metadata takes it as JSON. */
export type FiltrationSummary = {
  photos: number;
  views: number;
  misclassified: number;
  classes: number;
  classesKept: number;
};

export function summarizeFiltration(filtration: Filtration): FiltrationSummary {
  const sum = (pick: (c: FilteredClass) => number): number =>
    filtration.classes.reduce((n, c) => n + pick(c), 0);
  return {
    photos: sum((c) => c.photos),
    views: sum((c) => c.views),
    misclassified: sum((c) => c.misclassified),
    classes: filtration.classes.length,
    classesKept: sum((c) => (c.kept ? 1 : 0)),
  };
}
