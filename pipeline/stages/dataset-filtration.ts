import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import type { ImageRoots } from '../../dataset/build-dataset.js';
import { filterByModel, type Filtration } from '../../dataset/filtration/filter-by-model.js';
import type { Problem } from '../../dataset/manifest.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import { loadTargetModelPhotos, storedRoots, type ImageData } from './target-model-photos.js';

export interface FilteredData {
  /** The filtered images as an ImageNet-A-style pair of roots in the store. */
  data: ImageRoots;
  filtration: Filtration;
  /** The benign root's own problems (missing classes, unreadable files) and the classes left out. */
  problems: Problem[];
}

/**
 * `data.adversarialFrom: filtration`: runs the pretrained target model over views of the benign
 * photos and writes the views it gets wrong under `<prefix>/filtered/adversarial/<wnid>/`, the
 * others under `…/benign/<wnid>/`, where the data set is then built from as from any root.
 */
export async function filterWithTargetModel(
  ctx: StageContext,
  config: ExperimentConfig,
  data: ImageData,
  prefix: string,
): Promise<FilteredData> {
  const seed = data.sampling.seed;
  const { tree, selection, model, classify } = await loadTargetModelPhotos(config, data);
  const root = `${prefix}/filtered`;
  let filtration: Filtration;
  try {
    filtration = await filterByModel(
      tree,
      selection,
      {
        views: data.filtration.views,
        seed,
        minPairs: data.sampling.minImagesPerClass,
        batchSize: config.featureExtraction.batchSize,
      },
      {
        classify,
        write: (role, wnid, name, bytes) => ctx.store.put(`${root}/${role}/${wnid}/${name}`, bytes),
        onProgress: (done, total) => ctx.progress({ unit: 'photos filtered', done, total }),
      },
    );
  } finally {
    model.dispose();
  }
  const kept = filtration.classes.filter((c) => c.kept).map((c) => c.wnid);
  // Two classes at least: a data set of one class has nothing to tell apart.
  if (kept.length < 2) {
    throw new InputError(
      `data.filtration: the target model left ${kept.length} class(es) with ` +
        `${data.sampling.minImagesPerClass} benign/adversarial pairs among ` +
        `${filtration.classes.length} classes, fewer than 2 ` +
        `(${selection.byClass.size} with photos); raise data.filtration.views or add photos`,
    );
  }
  return {
    data: storedRoots(ctx.store, root, kept, data),
    filtration,
    problems: [...tree.problems, ...selection.problems, ...filtration.problems],
  };
}
