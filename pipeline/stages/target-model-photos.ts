import type * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { resolveClasses } from '../../dataset/imagenet-classes.js';
import { loadBenignImageNet } from '../../dataset/loaders/imagenet-loaders.js';
import type { ClassTree } from '../../dataset/loaders/wnid-tree.js';
import { selectImages, type Selection } from '../../dataset/select-images.js';
import { openImageSource } from '../../dataset/sources/open-source.js';
import type { ImagePipelineOptions } from '../../ml/images/image-options.js';
import { loadImagenetClasses } from '../../ml/metrics/imagenet-classes.js';
import { loadLayersModelFromUri } from '../../ml/models/load-model.js';
import { topClasses, type ClassScores } from '../../ml/models/top-classes.js';
import type { ImageRoots } from '../../dataset/build-dataset.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { InputError } from '../input-error.js';
import { imagePipelineOf } from '../model-image-pipeline.js';
import { locationOf } from '../store-location.js';

export type ImageData = Exclude<ExperimentConfig['data'], { kind: 'demo' }>;

/** The benign photos and the pretrained target model that makes adversarial images of them. */
export interface TargetModelPhotos {
  tree: ClassTree;
  selection: Selection;
  model: tf.LayersModel;
  /** The 1000 ImageNet wnids in output order. */
  wnids: string[];
  pipeline: ImagePipelineOptions;
  scores: ClassScores;
  /** The model's top-1 wnid for each encoded image. */
  classify(images: readonly Uint8Array[]): Promise<string[]>;
}

/**
 * Selects the benign photos and loads the target model, for `adversarialFrom` filtration and
 * attack alike. The caller disposes `model`.
 */
export async function loadTargetModelPhotos(
  config: ExperimentConfig,
  data: ImageData,
): Promise<TargetModelPhotos> {
  const tree = await loadBenignImageNet(
    openImageSource(data.kind, data.benignRoot),
    await resolveClasses(data.classes),
  );
  const selection = await selectImages(
    tree,
    data.sampling.seed,
    () => data.sampling.imagesPerClass,
  );
  const model = await loadLayersModelFromUri(config.targetModel.uri!).catch((err: Error) => {
    throw new InputError(`targetModel.uri: cannot load ${config.targetModel.uri}: ${err.message}`);
  });
  const wnids = (await loadImagenetClasses()).map((c) => c.wnid);
  const pipeline = imagePipelineOf(config.targetModel);
  const scores = { labelOffset: config.targetModel.head.labelOffset, classes: wnids.length };
  return {
    tree,
    selection,
    model,
    wnids,
    pipeline,
    scores,
    classify: async (images) =>
      (await topClasses(model, images, pipeline, scores)).map((i) => wnids[i]!),
  };
}

/** The `<root>/benign` and `<root>/adversarial` trees the stage wrote, as roots to build from. */
export function storedRoots(
  store: ArtifactStore,
  root: string,
  classes: string[],
  data: ImageData,
): ImageRoots {
  const at = locationOf(store, root);
  return {
    kind: at.kind,
    benignRoot: `${at.root}/benign`,
    adversarialRoot: `${at.root}/adversarial`,
    adversarialFrom: 'root',
    classes,
    sampling: { seed: data.sampling.seed, minImagesPerClass: data.sampling.minImagesPerClass },
  };
}
