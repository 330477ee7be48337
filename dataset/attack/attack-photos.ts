import path from 'node:path';
import { sha256Hex } from '../../store/content-address.js';
import { augmentImage } from '../augment.js';
import type { ClassifyImages, WriteView } from '../filtration/filter-by-model.js';
import type { ClassTree } from '../loaders/wnid-tree.js';
import type { AugmentationOp, Problem } from '../manifest.js';
import { originalImageId } from '../sample-split.js';
import { readSelectedPhotos, selectedPhotos } from '../read-selected-photos.js';
import type { Selection, ValidImage } from '../select-images.js';
import { rngFor } from '../stream-seed.js';
import { drawViewOps } from '../filtration/view-ops.js';

type AttackOp = Extract<AugmentationOp, { kind: 'attack' }>;

/** Attacks photos (encoded) whose true classes are `wnids`; returns the attacked images as PNG. */
export type AttackPhotos = (
  photos: readonly Uint8Array[],
  wnids: readonly string[],
) => Promise<Uint8Array[]>;

export interface AttackedClass {
  wnid: string;
  photos: number;
  /** Views attacked: `views` per photo. */
  views: number;
  /** Views the target model names right before the attack. */
  cleanCorrect: number;
  /** Attacked views it still names right. */
  attackedCorrect: number;
}

export interface PhotoAttack {
  op: AttackOp;
  classes: AttackedClass[];
  /** View and attacked copy sha256 → the photo it was made from (its `originalImageId`) and the
   * op (the view's change, or the attack). */
  lineage: Record<string, { of: string; op: AugmentationOp }>;
  problems: Problem[];
}

interface Tally {
  photos: number;
  views: number;
  cleanCorrect: number;
  attackedCorrect: number;
}

interface PendingView {
  photo: ValidImage;
  index: number;
  bytes: Uint8Array;
}

/**
 * `data.adversarialFrom: attack`: every selected photo is written as `views` benign images — the
 * photo unchanged, then seeded views of it as adversarial filtration draws them — and the
 * attacked copy of each as an adversarial one, one batch at a time (memory holds one batch
 * whatever the number of photos). The target model classifies both, encoded as they are stored,
 * so the tallies are what later stages see.
 */
export async function attackSelectedPhotos(
  tree: ClassTree,
  selection: Selection,
  options: { op: AttackOp; views: number; seed: number; batchSize: number },
  deps: {
    attack: AttackPhotos;
    classify: ClassifyImages;
    write: WriteView;
    onProgress?: (viewsDone: number, viewsTotal: number) => void;
  },
): Promise<PhotoAttack> {
  const photos = selectedPhotos(selection);
  const tallies = new Map<string, Tally>();
  const lineage: PhotoAttack['lineage'] = {};
  let pending: PendingView[] = [];
  let done = 0;

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const wnids = batch.map((p) => p.photo.wnid);
    const attacked = await deps.attack(
      batch.map((p) => p.bytes),
      wnids,
    );
    const clean = await deps.classify(batch.map((p) => p.bytes));
    const after = await deps.classify(attacked);
    await Promise.all(
      batch.map(async ({ photo, index, bytes }, i) => {
        const tally = tallies.get(photo.wnid)!;
        tally.views++;
        if (clean[i] === photo.wnid) tally.cleanCorrect++;
        if (after[i] === photo.wnid) tally.attackedCorrect++;
        tallies.set(photo.wnid, tally);
        // View 0 keeps the photo's bytes, so it keeps its `originalImageId` too.
        const id = originalImageId(photo);
        lineage[sha256Hex(attacked[i]!)] = { of: id, op: options.op };
        const ext = index === 0 ? path.extname(photo.path) : '.jpg';
        await deps.write('benign', photo.wnid, `${id}-${index}${ext}`, bytes);
        await deps.write('adversarial', photo.wnid, `${id}-${index}.png`, attacked[i]!);
      }),
    );
    done += batch.length;
    deps.onProgress?.(done, photos.length * options.views);
  };

  deps.onProgress?.(done, photos.length * options.views);
  for await (const { photo, bytes } of readSelectedPhotos(tree, photos)) {
    const tally = tallies.get(photo.wnid) ?? {
      photos: 0,
      views: 0,
      cleanCorrect: 0,
      attackedCorrect: 0,
    };
    tally.photos++;
    tallies.set(photo.wnid, tally);
    const ops = drawViewOps(rngFor(options.seed, `view/${originalImageId(photo)}`), options.views);
    const views = await Promise.all(ops.slice(1).map((op) => augmentImage(bytes, op)));
    pending.push({ photo, index: 0, bytes });
    views.forEach((view, i) => {
      lineage[sha256Hex(view)] = { of: originalImageId(photo), op: ops[i + 1]! };
      pending.push({ photo, index: i + 1, bytes: view });
    });
    if (pending.length >= options.batchSize) await flush();
  }
  await flush();

  const classes = [...tallies.keys()].sort().map((wnid) => ({ wnid, ...tallies.get(wnid)! }));
  return { op: options.op, classes, lineage, problems: [...tree.problems, ...selection.problems] };
}

/** A type, not an interface: artifact metadata takes it as JSON. */
export type AttackSummary = {
  method: AttackOp['method'];
  epsilon: number;
  steps: number;
  photos: number;
  views: number;
  cleanCorrect: number;
  attackedCorrect: number;
};

export function summarizeAttack(attack: PhotoAttack): AttackSummary {
  const sum = (pick: (c: AttackedClass) => number): number =>
    attack.classes.reduce((n, c) => n + pick(c), 0);
  return {
    method: attack.op.method,
    epsilon: attack.op.epsilon,
    steps: attack.op.steps,
    photos: sum((c) => c.photos),
    views: sum((c) => c.views),
    cleanCorrect: sum((c) => c.cleanCorrect),
    attackedCorrect: sum((c) => c.attackedCorrect),
  };
}
