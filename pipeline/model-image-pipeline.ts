import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import {
  ImagePipelineOptionsSchema,
  type ImagePipelineOptions,
} from '../ml/images/image-options.js';

/** How images are decoded, resized and scaled for the target model, in every stage alike. */
export function imagePipelineOf(model: ExperimentConfig['targetModel']): ImagePipelineOptions {
  return ImagePipelineOptionsSchema.parse({
    size: model.inputSize,
    preprocessing: model.preprocessing,
    resize: model.resize,
  });
}
