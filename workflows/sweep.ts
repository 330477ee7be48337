import {
  ApplicationFailure,
  continueAsNew,
  defineQuery,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { RungRecord } from '../pipeline/sweep/trial-records.js';
import { leaderboard, type TrialRecord } from '../sweep/leaderboard.js';
import { objectiveCountOf } from '../sweep/objective.js';
import { proposeTrials, type TrialOutcome } from '../sweep/propose.js';
import { promoteFromRung, rungBudgets } from '../sweep/successive-halving.js';
import type { SweepSpec, TrialParams } from '../sweep/sweep-spec.js';
import { experimentWorkflow } from './experiment.js';

export interface SweepInput {
  sweepId: string;
  spec: SweepSpec;
  storageUri: string;
  /** The CPU task queue: trials' workflows and the sweep's own bookkeeping run there. */
  cpuQueue: string;
  /** The base config's full GAN budget (`gan.iterations`), the top rung of successive halving. */
  maxResource: number;
}

export interface SweepResult {
  sweepId: string;
  leaderboard: TrialRecord[];
  best: TrialRecord | null;
  reportKey: string;
  /** The most trials that ran at once, as the sweep saw them. */
  peakConcurrency: number;
}

export const leaderboardQuery = defineQuery<TrialRecord[]>('leaderboard');

/** Trials end and records are written; continue-as-new once history grows past this. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 10_000;

/**
 * A hyperparameter sweep (issue 5): trials are child experiment workflows, at most
 * `spec.concurrency` at once. Stages that trials share are computed once, up front (the rest is
 * content addressing). Finished trials are recorded in the store, so relaunching the sweep with
 * its ID reruns only what did not finish. With successive halving, every trial first trains to
 * the lowest rung's GAN budget; the best 1/eta go on to the next rung, resuming their training
 * from its checkpoint, until the full budget.
 */
export async function sweepWorkflow(input: SweepInput): Promise<SweepResult> {
  const { spec, sweepId } = input;
  const direction = spec.objective.direction;
  const acts = proxyActivities<typeof activities>({
    taskQueue: input.cpuQueue,
    startToCloseTimeout: '10m',
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['InputError', 'ConfigError'] },
  });
  const done = await acts.loadSweepRecords({ storageUri: input.storageUri, sweepId });
  const rungKey = (index: number, resource: number | null) => `${index}@${resource ?? 'full'}`;
  const finished = new Map(done.map((r) => [rungKey(r.index, r.resource), r]));
  const board = new Map<number, TrialRecord>();
  let running = 0;
  let peakConcurrency = 0;
  setHandler(leaderboardQuery, () => leaderboard([...board.values()], direction));

  const show = (
    record: RungRecord,
    status: TrialRecord['status'],
    stoppedAtResource: number | null = null,
  ) =>
    board.set(record.index, {
      index: record.index,
      experimentId: record.experimentId,
      params: record.params,
      status,
      objective: record.objective,
      objectiveCount: record.objectiveCount ?? null,
      resource: record.resource,
      stoppedAtResource,
      reportKey: record.reportKey,
    });

  // The stages every trial shares (data, target model, features) are computed once, here.
  const base = await acts.prepareTrial({
    base: spec.base,
    params: {},
    experimentId: `${sweepId}-shared`,
  });
  if (!base.input)
    throw ApplicationFailure.nonRetryable(`sweep base config: ${base.error}`, 'ConfigError');
  await executeChild(experimentWorkflow, {
    workflowId: `${sweepId}-shared`,
    taskQueue: input.cpuQueue,
    args: [{ ...base.input, stopAfter: 'features' }],
  });

  /** Runs one trial to `resource` (or its configured budget) unless already recorded. */
  async function runTrial(
    index: number,
    params: TrialParams,
    resource: number | null,
  ): Promise<RungRecord> {
    const known = finished.get(rungKey(index, resource));
    if (known) return known;
    const experimentId = `${sweepId}-t${index}${resource === null ? '' : `-r${resource}`}`;
    const withResource = resource === null ? params : { ...params, 'gan.iterations': resource };
    board.set(index, {
      index,
      experimentId,
      params,
      status: 'running',
      objective: null,
      resource,
      stoppedAtResource: null,
      reportKey: null,
    });
    running++;
    peakConcurrency = Math.max(peakConcurrency, running);
    const startedAt = new Date().toISOString();
    let record: RungRecord;
    try {
      const prepared = await acts.prepareTrial({
        base: spec.base,
        params: withResource,
        experimentId,
      });
      if (!prepared.input) throw new Error(prepared.error ?? 'invalid trial config');
      const result = await executeChild(experimentWorkflow, {
        workflowId: experimentId,
        taskQueue: input.cpuQueue,
        args: [prepared.input],
      });
      const value = result.headline[spec.objective.metric];
      record = {
        index,
        experimentId,
        params,
        resource,
        status: 'completed',
        objective: typeof value === 'number' ? value : null,
        objectiveCount: objectiveCountOf(result.headline, spec.objective.metric),
        reportKey: result.reportKey,
        error: null,
        startedAt,
        closedAt: new Date().toISOString(),
      };
    } catch (err) {
      if (isCancellation(err)) throw err;
      record = {
        index,
        experimentId,
        params,
        resource,
        status: 'failed',
        objective: null,
        reportKey: null,
        error: err instanceof Error ? err.message : String(err),
        startedAt,
        closedAt: new Date().toISOString(),
      };
    } finally {
      running--;
    }
    await acts.recordSweepTrial({ storageUri: input.storageUri, sweepId, record });
    finished.set(rungKey(index, resource), record);
    return record;
  }

  /** Runs jobs with at most `spec.concurrency` in flight; results in job order. */
  async function capped<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
    const results: T[] = new Array(jobs.length);
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    };
    await Promise.all(Array.from({ length: Math.min(spec.concurrency, jobs.length) }, lane));
    return results;
  }

  if (spec.earlyStopping.kind === 'successive-halving') {
    const trials = proposeTrials(spec, [], []);
    let alive = trials.map((params, index) => ({ index, params }));
    const budgets = rungBudgets(
      spec.earlyStopping.minResource,
      spec.earlyStopping.eta,
      input.maxResource,
    );
    for (const [rung, budget] of budgets.entries()) {
      const results = await capped(
        alive.map(
          ({ index, params }) =>
            () =>
              runTrial(index, params, budget),
        ),
      );
      const last = rung === budgets.length - 1;
      const promoted = last
        ? new Set<number>()
        : new Set(promoteFromRung(results, spec.earlyStopping.eta, direction));
      for (const record of results) {
        if (record.status === 'failed') show(record, 'failed');
        else if (last) show(record, 'completed');
        else if (!promoted.has(record.index)) show(record, 'stopped', budget);
      }
      alive = alive.filter(({ index }) => promoted.has(index));
    }
  } else {
    for (const record of done) show(record, record.status);
    const proposed: TrialParams[] = [];
    const outcomes = (): TrialOutcome[] =>
      [...finished.values()].map((r) => ({
        index: r.index,
        params: r.params,
        objective: r.status === 'completed' ? r.objective : null,
      }));
    for (;;) {
      const batch = proposeTrials(spec, proposed, outcomes());
      if (batch.length === 0) break;
      const first = proposed.length;
      proposed.push(...batch);
      const records = await capped(
        batch.map((params, i) => () => runTrial(first + i, params, null)),
      );
      for (const record of records) show(record, record.status);
      if (workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_CONTINUE) {
        // Every finished trial is in the store: the next run picks up from there.
        await continueAsNew<typeof sweepWorkflow>(input);
      }
    }
  }

  const ranked = leaderboard([...board.values()], direction);
  const reportKey = await acts.writeSweepReport({
    storageUri: input.storageUri,
    sweepId,
    strategy: spec.strategy.kind,
    objective: spec.objective,
    parameters: Object.entries(spec.space).map(([path, param]) => ({
      path,
      scale: param.type === 'loguniform' ? 'log' : 'linear',
    })),
    trials: ranked.map((t) => ({
      trialId: `t${t.index}`,
      params: t.params,
      objective: t.objective,
      ...(t.objectiveCount ? { objectiveCount: t.objectiveCount } : {}),
      status: t.status === 'stopped' ? 'stopped-early' : t.status,
      ...(t.stoppedAtResource === null ? {} : { stoppedEarlyAt: t.stoppedAtResource }),
      experimentId: t.experimentId,
    })),
  });
  const best = ranked.find((t) => t.status === 'completed') ?? null;
  return { sweepId, leaderboard: ranked, best, reportKey, peakConcurrency };
}
