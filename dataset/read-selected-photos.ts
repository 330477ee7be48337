import type { ClassTree } from './loaders/wnid-tree.js';
import type { Selection, ValidImage } from './select-images.js';

/** Every selected photo with its bytes, read again from its source in the source's order. */
export async function* readSelectedPhotos(
  tree: ClassTree,
  photos: readonly ValidImage[],
): AsyncGenerator<{ photo: ValidImage; bytes: Uint8Array }> {
  const byPath = new Map(photos.map((p) => [p.path, p]));
  for await (const result of tree.source.read(photos.map((p) => p.path))) {
    // Selection read these bytes moments ago; failing now means the source changed underneath.
    if ('error' in result) {
      throw new Error(`cannot re-read ${tree.source.uriOf(result.path)}: ${result.error}`);
    }
    yield { photo: byPath.get(result.path)!, bytes: result.bytes };
  }
}

/** The selected photos of every class, in one list. */
export function selectedPhotos(selection: Selection): ValidImage[] {
  return [...selection.byClass.values()].flat();
}
