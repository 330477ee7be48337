import * as z from 'zod';
import { advdSchema } from './advd-schema.js';
import { dataSchema } from './data-schema.js';
import { defenseSchema } from './defense-schema.js';
import { evaluationSchema } from './evaluation-schema.js';
import { ganSchema } from './gan-schema.js';
import {
  featureExtractionSchema,
  smallCnnTrainingSchema,
  targetModelSchema,
} from './model-schema.js';
import { addProblem, seedSchema } from './primitives.js';
import { backendSchema, storageSchema, temporalSchema } from './runtime-schema.js';
import { splitSchema } from './split-schema.js';

/** A user-given experiment name doubles as a Temporal workflow ID, hence the safe alphabet. */
const experimentName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
  error: 'expected 1–100 letters, digits, . _ - starting with a letter or digit',
});

const experimentObject = z.strictObject({
  name: experimentName.optional(),
  /** The default of every stage seed left unset. */
  seed: seedSchema.default(0),
  data: dataSchema,
  split: splitSchema.prefault({}),
  targetModel: targetModelSchema.prefault({}),
  featureExtraction: featureExtractionSchema.prefault({}),
  gan: ganSchema.prefault({}),
  defense: defenseSchema.prefault({}),
  advd: advdSchema.prefault({}),
  evaluation: evaluationSchema.prefault({}),
  backend: backendSchema,
  storage: storageSchema.prefault({}),
  temporal: temporalSchema.prefault({}),
});

type ExperimentObject = z.output<typeof experimentObject>;

function crossSectionIssues(config: ExperimentObject, ctx: z.RefinementCtx): void {
  if (config.data.kind === 'demo' && config.targetModel.kind !== 'small-cnn') {
    addProblem(
      ctx,
      ['targetModel', 'kind'],
      'expected "small-cnn" with demo data (a pretrained model knows no demo classes)',
      config.targetModel.kind,
    );
  }
  if (
    config.data.kind !== 'demo' &&
    config.data.adversarialFrom !== 'root' &&
    config.targetModel.kind === 'small-cnn'
  ) {
    addProblem(
      ctx,
      ['targetModel', 'kind'],
      `expected a pretrained model with data.adversarialFrom "${config.data.adversarialFrom}" (the small CNN is trained on the data set that ${config.data.adversarialFrom} builds)`,
      config.targetModel.kind,
    );
  }
  const hasImagenetO = config.data.kind !== 'demo' && config.data.imagenetORoot !== undefined;
  if (config.evaluation.imagenetO.enabled && !hasImagenetO) {
    addProblem(
      ctx,
      ['evaluation', 'imagenetO', 'enabled'],
      'expected false unless data.imagenetORoot is set',
      true,
    );
  }
}

type Seeded<T extends { seed?: number }> = Omit<T, 'seed'> & { seed: number };
type SeededData<D extends ExperimentObject['data']> = D extends unknown
  ? Omit<D, 'sampling'> & { sampling: Seeded<D['sampling']> }
  : never;
type SmallCnnTraining = z.output<typeof smallCnnTrainingSchema>;

/** A resolved config: every default filled in, every stage seed set. */
export type ExperimentConfig = Omit<
  ExperimentObject,
  'data' | 'split' | 'targetModel' | 'gan' | 'defense' | 'advd'
> & {
  data: SeededData<ExperimentObject['data']>;
  split: Seeded<ExperimentObject['split']>;
  /** `training` is set exactly when `kind` is small-cnn. */
  targetModel: Omit<ExperimentObject['targetModel'], 'training'> & {
    training?: Seeded<SmallCnnTraining>;
  };
  gan: Seeded<ExperimentObject['gan']>;
  defense: Seeded<ExperimentObject['defense']>;
  advd: Seeded<ExperimentObject['advd']>;
};

/**
 * Fills every stage seed left unset with the experiment seed. Each stage then carries its own
 * seed, so a stage's cache key (its config section) is complete, and a sweep can vary one stage's
 * seed without recomputing the stages before it.
 */
function resolveSeeds(config: ExperimentObject): ExperimentConfig {
  const seeded = <T extends { seed?: number }>(section: T): Seeded<T> => ({
    ...section,
    seed: section.seed ?? config.seed,
  });
  const { training, ...model } = config.targetModel;
  return {
    ...config,
    data: { ...config.data, sampling: seeded(config.data.sampling) } as SeededData<
      ExperimentObject['data']
    >,
    split: seeded(config.split),
    targetModel:
      model.kind === 'small-cnn'
        ? { ...model, training: seeded(training ?? smallCnnTrainingSchema.parse({})) }
        : model,
    gan: seeded(config.gan),
    defense: seeded(config.defense),
    advd: seeded(config.advd),
  };
}

/** The whole experiment (SPEC §2); `.strict` objects make a misspelt key an error. */
export const experimentSchema = experimentObject
  .superRefine(crossSectionIssues)
  .transform(resolveSeeds);
/** What a user may write: every field with a default is optional. */
export type ExperimentConfigInput = z.input<typeof experimentSchema>;
