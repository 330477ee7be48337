import type { ArtifactStore } from '../store/artifact-store.js';
import { sha256Hex } from '../store/content-address.js';
import { augmentImage } from './augment.js';
import type { ClassTree } from './loaders/wnid-tree.js';
import type { ManifestEntry, Role, Split } from './manifest.js';
import { dHash, hashToHex } from './perceptual-hash.js';
import { originalImageId, type PlannedImage } from './sample-split.js';
import type { ValidImage } from './select-images.js';

/** An entry before its 1000-way class index is looked up, which happens once for all. */
export type UnindexedEntry = Omit<ManifestEntry, 'classIndex'>;

export function originalEntry(
  image: ValidImage,
  split: Split,
  pairId: string | null,
): UnindexedEntry {
  return {
    id: originalImageId(image),
    uri: image.uri,
    wnid: image.wnid,
    role: image.role,
    split,
    sha256: image.sha256,
    dhash: image.dhash,
    pairId,
    augmentation: null,
  };
}

/**
 * Originals become entries as they are; augmented copies are rendered from one read of each
 * original and written to the store under `<prefix>/<wnid>/<id>.jpg`.
 */
export async function renderEntries(
  planned: readonly PlannedImage[],
  trees: ReadonlyMap<Role, ClassTree>,
  store: ArtifactStore,
  prefix: string,
  onCopies: (done: number, total: number) => void,
): Promise<UnindexedEntry[]> {
  const entries: UnindexedEntry[] = [];
  const copiesOf = new Map<string, PlannedImage[]>(); // `${role}\n${original path}` → copies
  for (const image of planned) {
    if (image.augmentation === null) {
      entries.push(originalEntry(image.original, image.split, image.pairId));
      continue;
    }
    const key = `${image.role}\n${image.original.path}`;
    copiesOf.set(key, [...(copiesOf.get(key) ?? []), image]);
  }
  const total = [...copiesOf.values()].reduce((n, list) => n + list.length, 0);
  let done = 0;
  onCopies(done, total);
  for (const [role, tree] of trees) {
    const paths = [...copiesOf.keys()]
      .filter((k) => k.startsWith(`${role}\n`))
      .map((k) => k.slice(role.length + 1));
    for await (const result of tree.source.read(paths)) {
      // Selection read these bytes moments ago; failing now means the source changed underneath.
      if ('error' in result) {
        throw new Error(`cannot re-read ${tree.source.uriOf(result.path)}: ${result.error}`);
      }
      // One original's copies render together: sharp's thread pool and the store's writes overlap.
      const copies = copiesOf.get(`${role}\n${result.path}`)!;
      entries.push(
        ...(await Promise.all(copies.map((copy) => renderCopy(result.bytes, copy, store, prefix)))),
      );
      done += copies.length;
      onCopies(done, total);
    }
  }
  return entries;
}

async function renderCopy(
  original: Uint8Array,
  copy: PlannedImage,
  store: ArtifactStore,
  prefix: string,
): Promise<UnindexedEntry> {
  const bytes = await augmentImage(original, copy.augmentation!.op);
  const key = `${prefix}/${copy.wnid}/${copy.id}.jpg`;
  await store.put(key, bytes);
  return {
    id: copy.id,
    uri: `${store.uri.replace(/\/$/, '')}/${key}`,
    wnid: copy.wnid,
    role: copy.role,
    split: copy.split,
    sha256: sha256Hex(bytes),
    dhash: hashToHex(await dHash(bytes)),
    pairId: copy.pairId,
    augmentation: copy.augmentation,
  };
}
