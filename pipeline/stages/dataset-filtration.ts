import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import type { ImageRoots } from '../../dataset/build-dataset.js';
import { filterByModel, type Filtration } from '../../dataset/filtration/filter-by-model.js';
import { resolveClasses } from '../../dataset/imagenet-classes.js';
import { loadBenignImageNet } from '../../dataset/loaders/imagenet-loaders.js';
import type { Problem } from '../../dataset/manifest.js';
import { selectImages } from '../../dataset/select-images.js';
import { openImageSource } from '../../dataset/sources/open-source.js';
import { loadImagenetClasses } from '../../ml/metrics/imagenet-classes.js';
import { loadLayersModelFromUri } from '../../ml/models/load-model.js';
import { topClasses } from '../../ml/models/top-classes.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import { locationOf } from '../store-location.js';
import { imagePipelineOf } from '../model-image-pipeline.js';

type ImageData = Exclude<ExperimentConfig['data'], { kind: 'demo' }>;

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
  const tree = await loadBenignImageNet(
    openImageSource(data.kind, data.benignRoot),
    await resolveClasses(data.classes),
  );
  const selection = await selectImages(tree, seed, () => data.sampling.imagesPerClass);
  const model = await loadLayersModelFromUri(config.targetModel.uri!).catch((err: Error) => {
    throw new InputError(`targetModel.uri: cannot load ${config.targetModel.uri}: ${err.message}`);
  });
  const wnids = (await loadImagenetClasses()).map((c) => c.wnid);
  const pipeline = imagePipelineOf(config.targetModel);
  const scores = { labelOffset: config.targetModel.head.labelOffset, classes: wnids.length };
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
        classify: async (images) =>
          (await topClasses(model, images, pipeline, scores)).map((i) => wnids[i]!),
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
  const at = locationOf(ctx.store, root);
  return {
    data: {
      kind: at.kind,
      benignRoot: `${at.root}/benign`,
      adversarialRoot: `${at.root}/adversarial`,
      adversarialFrom: 'root',
      classes: kept,
      sampling: { seed, minImagesPerClass: data.sampling.minImagesPerClass },
    },
    filtration,
    problems: [...tree.problems, ...selection.problems, ...filtration.problems],
  };
}
