import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { StageActivityInput } from '../activities/stage-input.js';
import type { StageName, StageRef } from '../pipeline/stage-ref.js';
import type { ExperimentResult, ExperimentState } from './experiment-state.js';
import { DAMAGED_ARTIFACT } from './failure-types.js';
import { SFE_CONFIG_HASH, SFE_STAGE, SFE_STATUS } from './search-attributes.js';

export interface ExperimentInput {
  experimentId: string;
  configHash: string;
  /** The resolved experiment config (every default filled in). */
  config: Record<string, unknown> & {
    storage: { uri: string };
    temporal: { taskQueues: { cpu: string; gpu: string }; heartbeatTimeoutSeconds: number };
  };
  /** Stages to recompute even when cached (`--force STAGE` lists it and everything after it). */
  force: StageName[];
  /** End after this stage (a sweep computes the stages its trials share once, up front). */
  stopAfter?: StageName;
}

export const progressQuery = defineQuery<ExperimentState>('progress');

type StageActivity = (input: StageActivityInput) => Promise<StageRef>;

const STAGE_QUEUE: Record<StageName, 'cpu' | 'gpu'> = {
  dataset: 'cpu',
  targetModel: 'gpu',
  features: 'gpu',
  gan: 'gpu',
  defense: 'gpu',
  advd: 'gpu',
  evaluation: 'gpu',
  report: 'cpu',
};

/** The activity that computes each stage (watchers match a pending activity to its stage). */
export const STAGE_ACTIVITY: Record<StageName, keyof typeof activities> = {
  dataset: 'datasetStage',
  targetModel: 'targetModelStage',
  features: 'featuresStage',
  gan: 'ganStage',
  defense: 'defenseStage',
  advd: 'advdStage',
  evaluation: 'evaluationStage',
  report: 'reportStage',
};

function stageProxies(input: ExperimentInput, queue: 'cpu' | 'gpu'): Record<string, StageActivity> {
  return proxyActivities<Record<string, StageActivity>>({
    taskQueue: input.config.temporal.taskQueues[queue],
    // A training may run for days; a dead worker is noticed by its missing heartbeats instead.
    startToCloseTimeout: '30 days',
    heartbeatTimeout: `${input.config.temporal.heartbeatTimeoutSeconds}s`,
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      // Each worker crash costs an attempt too; eight leave room for several without letting
      // a deterministic bug retry for hours.
      maximumAttempts: 8,
      nonRetryableErrorTypes: ['InputError', 'ConfigError'],
    },
  });
}

/** The stage named by a DamagedArtifact failure, and what is damaged. */
function damagedStage(err: unknown): { stage: StageName; problem: string } | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== DAMAGED_ARTIFACT) return undefined;
  const stage = cause.details?.[0];
  return typeof stage === 'string' && stage in STAGE_QUEUE
    ? { stage: stage as StageName, problem: cause.message }
    : undefined;
}

function describeFailure(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return describeFailure(err.cause);
  if (err instanceof ApplicationFailure) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * One experiment: dataset → target model → features → SFE GAN → defense module → AdvD →
 * evaluation → report
 * (SPEC §2). Every stage is content-addressed, so a rerun or a resumed experiment only computes
 * what is missing; CPU stages and GPU stages go to their own task queues.
 */
export async function experimentWorkflow(input: ExperimentInput): Promise<ExperimentResult> {
  const state: ExperimentState = {
    experimentId: input.experimentId,
    configHash: input.configHash,
    status: 'running',
    stage: null,
    stages: [],
    startedAt: new Date(workflowInfo().startTime).toISOString(),
    finishedAt: null,
    error: null,
  };
  setHandler(progressQuery, () => state);
  upsertSearchAttributes([
    { key: SFE_STATUS, value: 'running' },
    { key: SFE_CONFIG_HASH, value: input.configHash },
  ]);

  const proxies = { cpu: stageProxies(input, 'cpu'), gpu: stageProxies(input, 'gpu') };
  const done: Partial<Record<StageName, StageRef>> = {};
  const finish = (status: ExperimentState['status'], error: string | null): void => {
    state.status = status;
    state.error = error;
    state.finishedAt = new Date().toISOString();
    upsertSearchAttributes([{ key: SFE_STATUS, value: status }]);
  };

  const order = Object.keys(STAGE_QUEUE) as StageName[];
  // Stages recomputed because a later one found their artifact damaged: each is tried once.
  const healing = new Map<StageName, string>();
  let healingNow: StageName | undefined;
  try {
    for (let index = 0; index < order.length; index++) {
      const stage = order[index]!;
      state.stage = stage;
      upsertSearchAttributes([{ key: SFE_STAGE, value: stage }]);
      const run = proxies[STAGE_QUEUE[stage]][STAGE_ACTIVITY[stage]]!;
      let ref: StageRef;
      try {
        ref = await run({
          experimentId: input.experimentId,
          configHash: input.configHash,
          config: input.config,
          inputs: { ...done },
          force: input.force.includes(stage) || healingNow === stage,
        });
      } catch (err) {
        const damaged = damagedStage(err);
        if (damaged === undefined || healing.has(damaged.stage)) throw err;
        healing.set(damaged.stage, `${stage} found it damaged: ${damaged.problem}`);
        healingNow = damaged.stage;
        index = order.indexOf(damaged.stage) - 1;
        for (const later of order.slice(index + 1)) delete done[later];
        state.stages = state.stages.filter((s) => order.indexOf(s.stage) <= index);
        continue;
      }
      if (healingNow === stage) {
        ref = { ...ref, recomputed: healing.get(stage) };
        healingNow = undefined;
      }
      done[stage] = ref;
      state.stages.push(ref);
      if (stage === input.stopAfter) break;
    }
  } catch (err) {
    if (isCancellation(err)) {
      finish('cancelled', 'cancelled by request');
      throw err instanceof CancelledFailure ? err : new CancelledFailure('cancelled by request');
    }
    const damaged = damagedStage(err);
    const advice = damaged
      ? `; recomputing stage ${damaged.stage} did not mend it — rerun with --force ${damaged.stage}`
      : '';
    finish('failed', `${state.stage}: ${describeFailure(err)}${advice}`);
    throw ApplicationFailure.nonRetryable(
      `stage ${state.stage} failed: ${describeFailure(err)}${advice}`,
      'StageFailed',
    );
  }

  finish('completed', null);
  return {
    experimentId: input.experimentId,
    configHash: input.configHash,
    reportKey: done.report?.key ?? null,
    storageUri: input.config.storage.uri,
    headline: done.report?.summary ?? {},
    stages: state.stages,
  };
}
