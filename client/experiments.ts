import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import type { StageProgress } from '../pipeline/stage-context.js';
import type { StageName } from '../pipeline/stage-ref.js';
import type { ExperimentResult, ExperimentState } from '../workflows/experiment-state.js';
import { STAGE_ACTIVITY } from '../workflows/experiment.js';
import { experimentWorkflow, progressQuery, type ExperimentInput } from '../workflows/index.js';

export type ExperimentHandle = WorkflowHandle<typeof experimentWorkflow>;

/** The workflow ID: the user's name for the experiment, or one derived from its config. */
export function experimentIdFor(config: ExperimentConfig, configHash: string): string {
  return config.name ?? `sfe-${configHash.slice(0, 16)}`;
}

export interface LaunchOptions {
  experimentId: string;
  configHash: string;
  force: StageName[];
}

export interface Launched {
  handle: ExperimentHandle;
  /** True when the same experiment was already running and this launch joined it. */
  attached: boolean;
}

/** A launch under the name of a running experiment whose config differs. */
export class ExperimentConflictError extends Error {
  constructor(experimentId: string, runningHash: string) {
    super(
      `experiment ${experimentId} is already running with another config ` +
        `(${runningHash.slice(0, 12)}); wait for it, cancel it (sfe cancel ${experimentId}), ` +
        'or give this config another name',
    );
    this.name = 'ExperimentConflictError';
  }
}

/**
 * Starts the experiment, or attaches to it when a run with its ID is in progress: launching the
 * same config twice never runs it twice, and a changed config under a running name is refused
 * rather than silently replaced by the running one. A finished experiment starts again, and its
 * finished stages come from the store.
 */
export async function launchExperiment(
  client: Client,
  config: ExperimentConfig,
  options: LaunchOptions,
): Promise<Launched> {
  const existing = client.workflow.getHandle<typeof experimentWorkflow>(options.experimentId);
  try {
    const description = await existing.describe();
    if (description.status.name === 'RUNNING') {
      const running = (await experimentInput(existing)).configHash;
      if (running !== options.configHash) {
        throw new ExperimentConflictError(options.experimentId, running);
      }
      return { handle: existing, attached: true };
    }
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const input: ExperimentInput = {
    experimentId: options.experimentId,
    configHash: options.configHash,
    config: JSON.parse(JSON.stringify(config)) as ExperimentInput['config'],
    force: options.force,
  };
  const handle = await startExperiment(client, input);
  return { handle, attached: false };
}

/**
 * Starts a run of the experiment `input` describes. Two starts racing for one ID make one run;
 * a closed experiment's ID starts again (its finished stages come from the store).
 */
export function startExperiment(client: Client, input: ExperimentInput): Promise<ExperimentHandle> {
  return client.workflow.start(experimentWorkflow, {
    workflowId: input.experimentId,
    taskQueue: input.config.temporal.taskQueues.cpu,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/** The input the experiment's latest run was started with (what `sfe resume` starts again). */
export async function experimentInput(handle: ExperimentHandle): Promise<ExperimentInput> {
  const history = await handle.fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!payload) throw new Error(`experiment ${handle.workflowId} has no recorded input`);
  return defaultPayloadConverter.fromPayload<ExperimentInput>(payload);
}

export interface ExperimentView {
  experimentId: string;
  /** Temporal's view: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT… */
  status: string;
  state: ExperimentState | undefined;
  /** The running stage's latest heartbeat: iteration or image counts, losses, checkpoint. */
  progress: StageProgress | undefined;
  /** The attempt number of the running stage (above 1 after a worker died or an error). */
  attempt: number | undefined;
  /** The identity of the worker that last ran the running stage, e.g. `sfe-gpu-worker@4242`. */
  worker: string | undefined;
  result: ExperimentResult | undefined;
  failure: string | undefined;
  startTime: Date;
  closeTime: Date | undefined;
}

/**
 * A query waits for a worker to answer it; with none serving the experiment (an embedded run
 * stopped with Ctrl-C) it would hang until the server gives up, so the view goes without.
 */
const QUERY_WAIT_MS = 5000;

/** The progress query's answer, or undefined after `QUERY_WAIT_MS` or once `signal` aborts. */
async function queryProgress(
  handle: ExperimentHandle,
  signal: AbortSignal | undefined,
): Promise<ExperimentState | undefined> {
  const timeout = AbortSignal.timeout(QUERY_WAIT_MS);
  const giveUp = signal ? AbortSignal.any([signal, timeout]) : timeout;
  if (giveUp.aborted) return undefined;
  return Promise.race([
    handle.query(progressQuery).catch(() => undefined),
    new Promise<undefined>((resolve) =>
      giveUp.addEventListener('abort', () => resolve(undefined), { once: true }),
    ),
  ]);
}

/**
 * Everything `sfe status` / `watch` show, from the workflow's query and its pending activity.
 * `signal` abandons the query (a watcher being stopped must not wait on it).
 */
export async function viewExperiment(
  handle: ExperimentHandle,
  signal?: AbortSignal,
): Promise<ExperimentView> {
  const description = await handle.describe();
  const status = description.status.name;
  const view: ExperimentView = {
    experimentId: handle.workflowId,
    status,
    state: undefined,
    progress: undefined,
    attempt: undefined,
    worker: undefined,
    result: undefined,
    failure: undefined,
    startTime: description.startTime,
    closeTime: description.closeTime,
  };
  if (status === 'RUNNING') {
    view.state = await queryProgress(handle, signal);
    const stage = view.state?.stage;
    // Described just before the query answered, the server may still list the stage that has
    // just ended: its last heartbeat is not the running stage's progress.
    const pending = description.raw.pendingActivities?.find(
      (a) => !stage || a.activityType?.name === STAGE_ACTIVITY[stage],
    );
    const details = pending?.heartbeatDetails?.payloads?.[0];
    if (details) view.progress = defaultPayloadConverter.fromPayload<StageProgress>(details);
    view.attempt = pending?.attempt ?? undefined;
    view.worker = pending?.lastWorkerIdentity || undefined;
    if (pending?.lastFailure?.message)
      view.failure = `last attempt failed: ${pending.lastFailure.message}`;
  } else if (status === 'COMPLETED') {
    view.result = await handle.result();
  } else {
    view.failure = await handle.result().then(
      () => undefined,
      (err: unknown) => describeError(err),
    );
  }
  return view;
}

function describeError(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  let cause = err instanceof Error ? (err.cause as unknown) : undefined;
  while (cause instanceof Error) {
    message = cause.message;
    cause = cause.cause;
  }
  return message;
}
