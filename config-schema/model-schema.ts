import * as z from 'zod';
import { ImagePipelineOptionsSchema } from '../ml/images/image-options.js';
import {
  addProblem,
  layerName,
  layerWidths,
  locationSchema,
  nonNegativeInt,
  positiveInt,
  positiveNumber,
  seedSchema,
} from './primitives.js';

export const TARGET_MODEL_KINDS = ['inceptionv3', 'layers', 'graph', 'small-cnn'] as const;

/** The small CNN that the pipeline trains on the benign set when there is no pretrained model
 * (the demo world, issue 6). */
export const smallCnnTrainingSchema = z.strictObject({
  /** Filters of each conv block. */
  filters: layerWidths.default([16, 32, 64]),
  epochs: positiveInt.default(10),
  batchSize: positiveInt.default(32),
  lr: positiveNumber.default(1e-3),
  /**
   * A target model whose features hold the object while its head follows the cue: conv blocks
   * that see the image in grey are trained first, alone, for `shapeEpochs` (with random flips and
   * quarter turns), then frozen; a colour path of `filters` 1×1 filters and the head then train
   * on the benign images for `epochs`. The shape features reach the head multiplied by
   * `shapeGain` (fixed): below 1 they are quiet beside the colour, so the head, which learns
   * from images where the colour predicts the class, leans on the colour — the shortcut a
   * natural-adversarial image exploits — while a read-out that standardises the features (the
   * report's linear probe) still finds the shape. Absent: one plain CNN trained end to end.
   */
  colourPath: z
    .strictObject({
      filters: positiveInt,
      shapeEpochs: positiveInt,
      shapeGain: positiveNumber.max(1).default(1),
    })
    .optional(),
  /** Defaults to the experiment's `seed`. */
  seed: seedSchema.optional(),
});

/** The model under defense, cut at `featureLayer` into f(x) and `head` (SPEC §2). */
export const targetModelSchema = z
  .strictObject({
    kind: z.enum(TARGET_MODEL_KINDS).default('inceptionv3'),
    /** model.json (or its folder) of a tfjs model; required unless kind is small-cnn. */
    uri: locationSchema.optional(),
    inputSize: positiveInt.default(299),
    resize: ImagePipelineOptionsSchema.shape.resize,
    preprocessing: ImagePipelineOptionsSchema.shape.preprocessing,
    featureLayer: layerName.default('avg_pool'),
    head: z
      .strictObject({
        /** The layer or node whose output is the class scores; absent means the model output. */
        outputLayer: layerName.optional(),
        /** Whether those scores are already softmax probabilities or raw logits. */
        outputs: z.enum(['probabilities', 'logits']).default('probabilities'),
        /** Scores before the 1000 ImageNet classes: TF Hub classifiers put "background" first. */
        labelOffset: nonNegativeInt.default(0),
      })
      .prefault({}),
    /** Only for kind small-cnn, where the defaults apply when it is absent. */
    training: smallCnnTrainingSchema.optional(),
  })
  .superRefine((model, ctx) => {
    if (model.kind === 'small-cnn') {
      if (model.uri !== undefined) {
        addProblem(
          ctx,
          ['uri'],
          'expected no uri for kind small-cnn (the pipeline trains it)',
          model.uri,
        );
      }
      return;
    }
    if (model.uri === undefined) {
      addProblem(
        ctx,
        ['uri'],
        `expected the location of the model's model.json (required for kind ${model.kind})`,
        undefined,
      );
    }
    if (model.training !== undefined) {
      addProblem(
        ctx,
        ['training'],
        `expected no training settings for kind ${model.kind} (only small-cnn is trained)`,
        model.training,
      );
    }
  });

export const featureExtractionSchema = z.strictObject({
  /** Images per forward pass; memory stays bounded by one batch whatever the data set size. */
  batchSize: positiveInt.default(32),
});

export type TargetModelConfig = z.output<typeof targetModelSchema>;
export type FeatureExtractionConfig = z.output<typeof featureExtractionSchema>;
