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

const STAGE_ACTIVITY: Record<StageName, keyof typeof activities> = {
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

  try {
    for (const stage of Object.keys(STAGE_QUEUE) as StageName[]) {
      state.stage = stage;
      upsertSearchAttributes([{ key: SFE_STAGE, value: stage }]);
      const run = proxies[STAGE_QUEUE[stage]][STAGE_ACTIVITY[stage]]!;
      const ref = await run({
        experimentId: input.experimentId,
        configHash: input.configHash,
        config: input.config,
        inputs: { ...done },
        force: input.force.includes(stage),
      });
      done[stage] = ref;
      state.stages.push(ref);
      if (stage === input.stopAfter) break;
    }
  } catch (err) {
    if (isCancellation(err)) {
      finish('cancelled', 'cancelled by request');
      throw err instanceof CancelledFailure ? err : new CancelledFailure('cancelled by request');
    }
    finish('failed', `${state.stage}: ${describeFailure(err)}`);
    throw ApplicationFailure.nonRetryable(
      `stage ${state.stage} failed: ${describeFailure(err)}`,
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
