import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { latestGanCheckpoint } from '../../ml/checkpoint/gan-checkpoint.js';
import {
  restoreModuleCheckpoint,
  saveModuleCheckpoint,
} from '../../ml/checkpoint/module-checkpoint.js';
import { loadStateArtifact, saveStateArtifact } from '../../ml/checkpoint/state-artifact.js';
import { buildFreshModule } from '../../ml/defense/defense-modules.js';
import type { DefenseModuleKind, ModuleTrainingOptions } from '../../ml/defense/defense-options.js';
import {
  ModuleTrainer,
  setModuleWeights,
  type EpochRecord,
  type LabelledFeatures,
} from '../../ml/defense/module-trainer.js';
import type { GanOptions } from '../../ml/gan/gan-options.js';
import type { FeatureMap } from '../../ml/gan/gan-trainer.js';
import { buildGenerator } from '../../ml/gan/generator.js';
import { splitModel } from '../../ml/models/split-model.js';
import { commitArtifact } from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { stageKey } from '../../store/content-address.js';
import { committedManifest, jsonPart } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import { gatherFeatures, readFeatureTable, rowsOf } from '../feature-table.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { labelsOf } from '../target-labels.js';
import { readDatasetManifest } from './dataset-stage.js';
import { loadGanOptions, loadPgModel, TrainingInterruptedError } from './gan-stage.js';
import { loadTargetModel } from './target-model-stage.js';

const DEFENSE_PART = 'defense.json';

type Inputs = Record<'dataset' | 'targetModel' | 'features' | 'gan', StageRef>;
type TrainedKind = Exclude<DefenseModuleKind, 'sfe-pg'>;

interface TrainedModuleJson {
  module: TrainedKind;
  dim: number;
  options: ModuleTrainingOptions;
  /** The generator architecture of a fine-tuned PG. */
  gan?: GanOptions;
  history: EpochRecord[];
}

/** What changes a module's weights: the training options and seed, or only the module's name. */
function sectionOf(config: ExperimentConfig): Record<string, unknown> {
  const { checkpointEvery: _every, ...section } = config.defense;
  return section.module === 'sfe-pg' ? { module: 'sfe-pg' } : section;
}

async function trainingData(
  ctx: StageContext,
  inputs: Inputs,
  labelOffset: number,
  target: Awaited<ReturnType<typeof loadTargetModel>>,
): Promise<{ benign: LabelledFeatures; adversarial: LabelledFeatures }> {
  const table = await readFeatureTable(ctx.store, inputs.features);
  const entries = (await readDatasetManifest(ctx.store, inputs.dataset)).entries;
  const part = (role: 'benign' | 'adversarial'): LabelledFeatures => {
    const kept = rowsOf(
      table,
      entries.filter((e) => e.split === 'train' && e.role === role),
    );
    if (kept.rows.length === 0)
      throw new InputError(`defense: the training split has no ${role} image with features`);
    return {
      features: gatherFeatures(table, kept.rows),
      labels: labelsOf(kept.entries, target).map((label) => label + labelOffset),
    };
  };
  return { benign: part('benign'), adversarial: part('adversarial') };
}

async function train(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: Inputs,
  kind: TrainedKind,
  prefix: string,
  fresh: boolean,
) {
  const checkpoints = stageKey({
    stage: 'defense-checkpoints',
    config: sectionOf(config),
    inputDigests: Object.values(inputs).map((ref) => ref.digest),
    codeVersion: ctx.codeVersion,
  });
  const target = await loadTargetModel(ctx.store, inputs.targetModel);
  const head = splitModel(target.model, config.targetModel.featureLayer).head;
  const data = await trainingData(ctx, inputs, config.targetModel.head.labelOffset, target);
  const dim = data.benign.features.shape[1];
  const gan = kind === 'sfe-pg-finetuned' ? await loadGanOptions(ctx.store, inputs.gan) : undefined;
  const pg = kind === 'sfe-pg-finetuned' ? await loadPgModel(ctx.store, inputs.gan) : undefined;
  const { module: _module, checkpointEvery, seed, ...options } = config.defense;
  const trainer = new ModuleTrainer(
    (seeds) => pg ?? buildFreshModule(kind as 'autoencoder' | 'one-layer', dim, seeds),
    head,
    data,
    options,
    seed,
    { initialize: pg === undefined },
  );
  try {
    let checkpointKey = fresh ? null : await latestGanCheckpoint(ctx.store, checkpoints);
    if (checkpointKey !== null) {
      const from = await restoreModuleCheckpoint(ctx.store, checkpointKey, trainer);
      ctx.log(`defense: resuming ${kind} from epoch ${from} (${checkpointKey})`);
    }
    const total = trainer.totalEpochs;
    await trainer.run(async (epoch, record) => {
      if (epoch % checkpointEvery === 0 || epoch === total)
        checkpointKey = await saveModuleCheckpoint(ctx.store, checkpoints, trainer);
      ctx.progress({
        unit: 'epochs',
        done: epoch,
        total,
        recent: { loss: record.loss, mse: record.mse, crossEntropy: record.crossEntropy },
        ...(checkpointKey ? { checkpointKey } : {}),
      });
      if (ctx.signal.aborted && epoch < total) {
        checkpointKey = await saveModuleCheckpoint(ctx.store, checkpoints, trainer);
        throw new TrainingInterruptedError(epoch);
      }
    });
    const json: TrainedModuleJson = {
      module: kind,
      dim,
      options: trainer.options,
      ...(gan ? { gan } : {}),
      history: [...trainer.losses],
    };
    const tensors = trainer.moduleTensors();
    try {
      await saveStateArtifact(
        ctx.store,
        prefix,
        { json, tensors },
        {
          module: kind,
          epochs: trainer.epoch,
          finalLoss: trainer.losses.at(-1)?.loss ?? 0,
          trainAccuracyBenign: trainer.accuracy(data.benign),
          trainAccuracyAdversarial: trainer.accuracy(data.adversarial),
        },
      );
    } finally {
      tf.dispose(Object.values(tensors));
    }
    return committedManifest(ctx.store, prefix);
  } finally {
    trainer.dispose();
    target.model.dispose();
    tf.dispose([data.benign.features, data.adversarial.features]);
  }
}

/**
 * The defense module (issue 12): the GAN's PG as it is (nothing to train), or a module trained
 * through the frozen head, checkpointed per epoch so a killed worker loses little.
 */
export function runDefenseStage(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: Inputs,
  force: boolean,
): Promise<StageRef> {
  const kind = config.defense.module;
  return runCachedStage(
    ctx,
    { stage: 'defense', config: sectionOf(config), inputs: Object.values(inputs), force },
    (prefix) =>
      kind === 'sfe-pg'
        ? commitArtifact(ctx.store, prefix, [jsonPart(DEFENSE_PART, { module: kind })], {
            module: kind,
          })
        : train(ctx, config, inputs, kind, prefix, force),
  );
}

export interface DefenseModule {
  module: DefenseModuleKind;
  map: FeatureMap;
  dispose(): void;
}

/** The module of a finished defense stage in inference mode; `sfe-pg` is the given `pg`. */
export async function loadDefense(
  store: ArtifactStore,
  ref: StageRef,
  pg: FeatureMap,
): Promise<DefenseModule> {
  const kind = ref.summary['module'];
  if (kind === 'sfe-pg') return { module: kind, map: pg, dispose: () => {} };
  const { json, tensors } = await loadStateArtifact(store, ref.key);
  const saved = json as TrainedModuleJson;
  const model =
    saved.module === 'sfe-pg-finetuned'
      ? buildGenerator(saved.dim, saved.gan!)
      : buildFreshModule(saved.module, saved.dim);
  try {
    setModuleWeights(model, tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return {
    module: saved.module,
    map: (features) => tf.tidy(() => model.predict(features) as tf.Tensor2D),
    dispose: () => model.dispose(),
  };
}
