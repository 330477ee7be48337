import path from 'node:path';
import { sha256Hex } from '../../store/content-address.js';
import type { ClassifyImages, WriteView } from '../filtration/filter-by-model.js';
import type { ClassTree } from '../loaders/wnid-tree.js';
import type { AugmentationOp, Problem } from '../manifest.js';
import { originalImageId } from '../sample-split.js';
import type { Selection, ValidImage } from '../select-images.js';

type AttackOp = Extract<AugmentationOp, { kind: 'attack' }>;

/** Attacks photos (encoded) whose true classes are `wnids`; returns the attacked images as PNG. */
export type AttackPhotos = (
  photos: readonly Uint8Array[],
  wnids: readonly string[],
) => Promise<Uint8Array[]>;

export interface AttackedClass {
  wnid: string;
  photos: number;
  /** Photos the target model names right before the attack. */
  cleanCorrect: number;
  /** Attacked copies it still names right. */
  attackedCorrect: number;
}

export interface PhotoAttack {
  op: AttackOp;
  classes: AttackedClass[];
  /** Attacked copy sha256 → the photo it was made from (its `originalImageId`) and the attack. */
  lineage: Record<string, { of: string; op: AugmentationOp }>;
  problems: Problem[];
}

interface Tally {
  photos: number;
  cleanCorrect: number;
  attackedCorrect: number;
}

/**
 * `data.adversarialFrom: attack`: every selected photo is written unchanged as a benign image and
 * its attacked copy as an adversarial one, one batch at a time (memory holds one batch whatever
 * the number of photos). The target model classifies both, encoded as they are stored, so the
 * tallies are what later stages see.
 */
export async function attackSelectedPhotos(
  tree: ClassTree,
  selection: Selection,
  options: { op: AttackOp; batchSize: number },
  deps: {
    attack: AttackPhotos;
    classify: ClassifyImages;
    write: WriteView;
    onProgress?: (photosDone: number, photosTotal: number) => void;
  },
): Promise<PhotoAttack> {
  const photos = [...selection.byClass.values()].flat();
  const byPath = new Map(photos.map((p) => [p.path, p]));
  const tallies = new Map<string, Tally>();
  const lineage: PhotoAttack['lineage'] = {};
  let pending: { photo: ValidImage; bytes: Uint8Array }[] = [];
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
      batch.map(async ({ photo, bytes }, i) => {
        const tally = tallies.get(photo.wnid) ?? { photos: 0, cleanCorrect: 0, attackedCorrect: 0 };
        tally.photos++;
        if (clean[i] === photo.wnid) tally.cleanCorrect++;
        if (after[i] === photo.wnid) tally.attackedCorrect++;
        tallies.set(photo.wnid, tally);
        // The benign copy keeps the photo's bytes, so it keeps its `originalImageId` too.
        const id = originalImageId(photo);
        lineage[sha256Hex(attacked[i]!)] = { of: id, op: options.op };
        await deps.write('benign', photo.wnid, `${id}${path.extname(photo.path)}`, bytes);
        await deps.write('adversarial', photo.wnid, `${id}.png`, attacked[i]!);
      }),
    );
    done += batch.length;
    deps.onProgress?.(done, photos.length);
  };

  deps.onProgress?.(done, photos.length);
  for await (const result of tree.source.read(photos.map((p) => p.path))) {
    // Selection read these bytes moments ago; failing now means the source changed underneath.
    if ('error' in result) {
      throw new Error(`cannot re-read ${tree.source.uriOf(result.path)}: ${result.error}`);
    }
    pending.push({ photo: byPath.get(result.path)!, bytes: result.bytes });
    if (pending.length >= options.batchSize) await flush();
  }
  await flush();

  const classes = [...tallies.keys()].sort().map((wnid) => ({ wnid, ...tallies.get(wnid)! }));
  return { op: options.op, classes, lineage, problems: [...tree.problems, ...selection.problems] };
}

/** A type, not an interface: artifact metadata takes it as JSON. */
export type AttackSummary = {
  method: string;
  epsilon: number;
  steps: number;
  photos: number;
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
    cleanCorrect: sum((c) => c.cleanCorrect),
    attackedCorrect: sum((c) => c.attackedCorrect),
  };
}
