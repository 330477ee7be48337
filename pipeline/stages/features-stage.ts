import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { extractFeatures } from '../../ml/features/extract-features.js';
import { createSourceReader } from '../../ml/images/read-source.js';
import { splitModel } from '../../ml/models/split-model.js';
import { runCachedStage } from '../cached-stage.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { readDatasetManifest } from './dataset-stage.js';
import { imagePipelineOf } from '../model-image-pipeline.js';
import { loadTargetModel } from './target-model-stage.js';

/** Rows per safetensors shard: about 17 MB of 2048-d features plus 1000 class scores. */
const SHARD_SIZE = 1024;

/** Stage 3 (SPEC §2.2): f(x) at the feature layer and the undefended head output, for every image. */
export function runFeaturesStage(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: { dataset: StageRef; targetModel: StageRef },
  force: boolean,
): Promise<StageRef> {
  const section = {
    featureExtraction: config.featureExtraction,
    featureLayer: config.targetModel.featureLayer,
  };
  return runCachedStage(
    ctx,
    { stage: 'features', config: section, inputs: [inputs.dataset, inputs.targetModel], force },
    async (prefix) => {
      const dataset = await readDatasetManifest(ctx.store, inputs.dataset);
      const { model } = await loadTargetModel(ctx.store, inputs.targetModel);
      try {
        let split;
        try {
          split = splitModel(model, config.targetModel.featureLayer);
        } catch (err) {
          throw new InputError(`targetModel.featureLayer: ${(err as Error).message}`);
        }
        const result = await extractFeatures(
          dataset.entries,
          split,
          createSourceReader(),
          ctx.store,
          prefix,
          {
            images: imagePipelineOf(config.targetModel),
            batchSize: config.featureExtraction.batchSize,
            shardSize: SHARD_SIZE,
            onProgress: (p) =>
              ctx.progress({
                unit: 'images',
                done: p.done,
                total: p.total,
                recent: { failed: p.failed },
              }),
            metadata: { images: dataset.entries.length, featureDim: split.featureShape[0] ?? 0 },
          },
        );
        ctx.log(
          `features: ${dataset.entries.length} images, ${result.failures.length} unreadable; model run ${result.forward}`,
        );
        return result.manifest;
      } finally {
        model.dispose();
      }
    },
  );
}
