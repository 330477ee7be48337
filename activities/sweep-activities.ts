import { ApplicationFailure } from '@temporalio/activity';
import { ConfigError } from '../config-schema/config-error.js';
import { configHash, parseConfig } from '../config-schema/load-config.js';
import {
  loadRungRecords,
  saveRungRecord,
  sweepReportKey,
  type RungRecord,
} from '../pipeline/sweep/trial-records.js';
import { renderSweepHtml } from '../report/render-sweep-html.js';
import { openStore } from '../store/open-store.js';
import { applyTrialParams } from '../sweep/config-path.js';
import type { TrialParams } from '../sweep/sweep-spec.js';
import type { ExperimentInput } from '../workflows/experiment.js';

export interface PreparedTrial {
  /** The experiment input of this trial, or null when its config is invalid. */
  input: ExperimentInput | null;
  error: string | null;
}

/**
 * Applies each trial's parameters to the sweep's base config and resolves it. Done in an
 * activity because resolving needs the config module, which the workflow sandbox cannot load.
 */
export async function prepareTrial(request: {
  base: Record<string, unknown>;
  params: TrialParams;
  experimentId: string;
}): Promise<PreparedTrial> {
  try {
    const config = parseConfig(
      applyTrialParams(request.base, request.params),
      request.experimentId,
    );
    const input: ExperimentInput = {
      experimentId: request.experimentId,
      configHash: configHash(config),
      config: JSON.parse(JSON.stringify(config)) as ExperimentInput['config'],
      force: [],
    };
    return { input, error: null };
  } catch (err) {
    if (err instanceof ConfigError) return { input: null, error: err.message };
    throw err;
  }
}

export async function loadSweepRecords(request: {
  storageUri: string;
  sweepId: string;
}): Promise<RungRecord[]> {
  return loadRungRecords(openStore(request.storageUri), request.sweepId);
}

export async function recordSweepTrial(request: {
  storageUri: string;
  sweepId: string;
  record: RungRecord;
}): Promise<void> {
  await saveRungRecord(openStore(request.storageUri), request.sweepId, request.record);
}

export interface SweepReportRequest {
  storageUri: string;
  sweepId: string;
  strategy: string;
  objective: { metric: string; direction: 'maximize' | 'minimize' };
  parameters: { path: string; scale: 'linear' | 'log' }[];
  trials: {
    trialId: string;
    params: TrialParams;
    objective: number | null;
    status: 'completed' | 'stopped-early' | 'failed' | 'running' | 'pending' | 'cancelled';
    stoppedEarlyAt?: number;
    experimentId: string;
  }[];
}

/** The sweep page, beside the trials' own reports (`experiments/<id>/report.html`). */
export async function writeSweepReport(request: SweepReportRequest): Promise<string> {
  const store = openStore(request.storageUri);
  let html: string;
  try {
    html = renderSweepHtml({
      sweep: {
        id: request.sweepId,
        strategy: request.strategy,
        createdAt: new Date().toISOString(),
      },
      objective: request.objective,
      parameters: request.parameters,
      trials: request.trials.map(({ experimentId, ...trial }) => ({
        ...trial,
        // From sweeps/<id>/report.html to experiments/<trial>/report.html.
        ...(trial.status === 'completed' || trial.status === 'stopped-early'
          ? { reportHref: `../../experiments/${experimentId}/report.html` }
          : {}),
      })),
    });
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `cannot render the sweep page: ${(err as Error).message}`,
      'InputError',
    );
  }
  const key = sweepReportKey(request.sweepId);
  await store.put(key, new TextEncoder().encode(html));
  return key;
}
