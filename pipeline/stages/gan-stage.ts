import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import {
  latestGanCheckpoint,
  restoreGanCheckpoint,
  saveGanCheckpoint,
} from '../../ml/checkpoint/gan-checkpoint.js';
import { describeActiveBackend, formatBackendInfo } from '../../ml/backend-info.js';
import { loadStateArtifact, saveStateArtifact } from '../../ml/checkpoint/state-artifact.js';
import { GanOptionsSchema, type GanOptions } from '../../ml/gan/gan-options.js';
import { GanTrainer, type FeatureMap, type GeneratorRole } from '../../ml/gan/gan-trainer.js';
import { buildGenerator } from '../../ml/gan/generator.js';
import type { LossHistory } from '../../ml/gan/loss-history.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { stageKey } from '../../store/content-address.js';
import { committedManifest } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import { gatherFeatures, pairedRows, readFeatureTable } from '../feature-table.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { readDatasetManifest } from './dataset-stage.js';

/** Thrown when a training stops on request (cancellation, worker shutdown) after checkpointing. */
export class TrainingInterruptedError extends Error {
  constructor(readonly iteration: number) {
    super(`training interrupted at iteration ${iteration}; it resumes from its checkpoint`);
    this.name = 'TrainingInterruptedError';
  }
}

interface GanArtifactJson {
  dim: number;
  options: GanOptions;
  history: LossHistory;
}

const ROLES: GeneratorRole[] = ['pg', 'ng'];

function ganOptionsOf(config: ExperimentConfig): GanOptions {
  const { checkpointEvery: _checkpointEvery, seed: _ganSeed, ...options } = config.gan;
  return GanOptionsSchema.parse(options);
}

/**
 * Where a training's checkpoints live: keyed like the stage but without the iteration budget, so
 * that a longer run of the same training (a trial promoted by successive halving) goes on from
 * where a shorter one stopped instead of starting again.
 */
function checkpointPrefix(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: { dataset: StageRef; features: StageRef },
): string {
  const { checkpointEvery: _checkpointEvery, iterations: _iterations, ...dynamics } = config.gan;
  return stageKey({
    stage: 'gan-checkpoints',
    config: dynamics,
    inputDigests: [inputs.dataset.digest, inputs.features.digest],
    codeVersion: ctx.codeVersion,
  });
}

async function train(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: { dataset: StageRef; features: StageRef },
  prefix: string,
  fresh: boolean,
) {
  const checkpoints = checkpointPrefix(ctx, config, inputs);
  const table = await readFeatureTable(ctx.store, inputs.features);
  const pairs = pairedRows(
    table,
    (await readDatasetManifest(ctx.store, inputs.dataset)).entries,
    'train',
  );
  if (pairs.benign.length === 0)
    throw new InputError('the training split has no benign/adversarial pair with features');
  const data = {
    benign: gatherFeatures(table, pairs.benign),
    adversarial: gatherFeatures(table, pairs.adversarial),
  };
  const options = ganOptionsOf(config);
  const trainer = new GanTrainer(data, options, config.gan.seed);
  try {
    // A forced rerun starts from scratch rather than trusting earlier checkpoints.
    let checkpointKey = fresh
      ? null
      : await latestGanCheckpoint(ctx.store, checkpoints, options.iterations);
    if (checkpointKey !== null) {
      const from = await restoreGanCheckpoint(ctx.store, checkpointKey, trainer);
      ctx.log(`gan: resuming from iteration ${from} (${checkpointKey})`);
    }
    const total = options.iterations;
    ctx.log(`gan: ${total} iterations, run ${trainer.mode}`);
    await trainer.run({
      checkpointEvery: config.gan.checkpointEvery,
      onCheckpoint: async () => {
        checkpointKey = await saveGanCheckpoint(ctx.store, checkpoints, trainer);
      },
      onIteration: async (iteration, losses) => {
        ctx.progress({
          unit: 'iterations',
          done: iteration,
          total,
          recent: { ...losses },
          ...(checkpointKey ? { checkpointKey } : {}),
        });
        if (ctx.signal.aborted && iteration < total) {
          checkpointKey = await saveGanCheckpoint(ctx.store, checkpoints, trainer);
          ctx.progress({ unit: 'iterations', done: iteration, total, checkpointKey });
          throw new TrainingInterruptedError(iteration);
        }
      },
    });
    if (!checkpointKey?.endsWith(`iter-${String(trainer.iteration).padStart(9, '0')}`)) {
      checkpointKey = await saveGanCheckpoint(ctx.store, checkpoints, trainer);
    }
    const state = await trainer.exportState();
    const generators = Object.fromEntries(
      Object.entries(state.tensors).filter(([name]) => ROLES.some((r) => name.startsWith(`${r}/`))),
    );
    const json: GanArtifactJson = { dim: trainer.dim, options, history: state.history };
    const last = (column: keyof LossHistory) => state.history[column].at(-1) ?? 0;
    try {
      await saveStateArtifact(
        ctx.store,
        prefix,
        { json, tensors: generators },
        {
          pairs: pairs.benign.length,
          featureDim: trainer.dim,
          backend: formatBackendInfo(await describeActiveBackend()),
          iterations: state.iteration,
          finalMsePG: last('msePG'),
          finalMseNG: last('mseNG'),
        },
      );
    } finally {
      tf.dispose(Object.values(state.tensors));
    }
    return committedManifest(ctx.store, prefix);
  } finally {
    trainer.dispose();
    tf.dispose([data.benign, data.adversarial]);
  }
}

/** Stage 4 (SPEC §2.3): the coupled GAN, checkpointed so a killed worker loses little. */
export function runGanStage(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: { dataset: StageRef; features: StageRef },
  force: boolean,
): Promise<StageRef> {
  const { checkpointEvery: _checkpointEvery, ...section } = config.gan;
  return runCachedStage(
    ctx,
    { stage: 'gan', config: section, inputs: [inputs.dataset, inputs.features], force },
    (prefix) => train(ctx, config, inputs, prefix, force),
  );
}

export interface TrainedGenerators {
  pg: FeatureMap;
  ng: FeatureMap;
  history: LossHistory;
  dispose(): void;
}

async function restoreGenerators(
  store: ArtifactStore,
  ref: StageRef,
  roles: readonly GeneratorRole[],
): Promise<{ history: LossHistory; models: tf.Sequential[] }> {
  const { json, tensors } = await loadStateArtifact(store, ref.key);
  const { dim, options, history } = json as GanArtifactJson;
  const models = roles.map((role) => {
    const model = buildGenerator(dim, options);
    model.setWeights(model.weights.map((w) => tensors[`${role}/${w.originalName}`]!));
    return model;
  });
  tf.dispose(Object.values(tensors));
  return { history, models };
}

/** The trained PG as a model of its own (the caller owns it), to fine-tune it. */
export async function loadPgModel(store: ArtifactStore, ref: StageRef): Promise<tf.Sequential> {
  return (await restoreGenerators(store, ref, ['pg'])).models[0]!;
}

/** The generator options of a finished GAN stage: what rebuilds a fine-tuned PG. */
export async function loadGanOptions(store: ArtifactStore, ref: StageRef): Promise<GanOptions> {
  return (await readGanJson(store, ref)).options;
}

async function readGanJson(store: ArtifactStore, ref: StageRef): Promise<GanArtifactJson> {
  const { json, tensors } = await loadStateArtifact(store, ref.key);
  tf.dispose(Object.values(tensors));
  return json as GanArtifactJson;
}

/** PG and NG of a finished GAN stage, in inference mode. */
export async function loadGenerators(
  store: ArtifactStore,
  ref: StageRef,
): Promise<TrainedGenerators> {
  const { history, models } = await restoreGenerators(store, ref, ROLES);
  const asMap =
    (model: tf.Sequential): FeatureMap =>
    (x) =>
      tf.tidy(() => model.predict(x) as tf.Tensor2D);
  return {
    pg: asMap(models[0]!),
    ng: asMap(models[1]!),
    history,
    dispose: () => models.forEach((m) => m.dispose()),
  };
}

/** The per-iteration losses of a finished GAN stage, without building its models. */
export async function loadGanHistory(store: ArtifactStore, ref: StageRef): Promise<LossHistory> {
  return (await readGanJson(store, ref)).history;
}
