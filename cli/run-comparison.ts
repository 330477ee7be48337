import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { openCluster } from '../client/cluster.js';
import { comparisonOf, launchComparison, type CompareHandle } from '../client/comparisons.js';
import { viewExperiment, type ExperimentHandle } from '../client/experiments.js';
import { reportLocationOf } from '../client/report-location.js';
import { launchProblems } from '../client/launch-checks.js';
import { ConfigError } from '../config-schema/config-error.js';
import { loadConfig } from '../config-schema/load-config.js';
import { comparisonKeys, type Comparison } from '../pipeline/compare/comparison.js';
import type { experimentWorkflow } from '../workflows/index.js';
import type { CommandIo } from './command.js';
import { clusterOptionsOf } from './cluster-options.js';
import { printComparison } from './print-comparison.js';
import { hostEmbeddedWorkers, isEmbedded } from './run-experiment.js';
import { StatusLine, stderrStatusLine } from './status-line.js';
import { ProgressPrinter } from './watch-experiment.js';

const POLL_MS = 2000;

export interface CompareOptions {
  address?: string | boolean;
  namespace?: string | boolean;
  json?: string | boolean;
}

/** Whole lines to stderr, each prefixed with the experiment it is about. */
function prefixedLines(id: string, io: CommandIo): StatusLine {
  return new StatusLine({
    write: (text) =>
      io.err(
        text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => `[${id}] ${line}\n`)
          .join(''),
      ),
    // Two experiments run at once, so no single line can be redrawn in place.
    tty: false,
    columns: () => undefined,
  });
}

/**
 * Each experiment's stages as `sfe run` shows them (a line per finished or cached stage, progress
 * per change of stage or tenth of a stage), prefixed with its id, until the comparison closes.
 */
async function followComparison(
  client: Client,
  handle: CompareHandle,
  experimentIds: string[],
  io: CommandIo,
  stop?: AbortSignal,
): Promise<void> {
  const printers = new Map(
    experimentIds.map((id) => [id, new ProgressPrinter(prefixedLines(id, io))]),
  );
  const { startTime: started } = await handle.describe();
  const closed = handle.result().then(
    () => true,
    () => true,
  );
  let done = false;
  void closed.then(() => (done = true));
  for (;;) {
    const last = done;
    for (const [id, printer] of printers) {
      const child = client.workflow.getHandle<typeof experimentWorkflow>(id) as ExperimentHandle;
      const view = await viewExperiment(child, stop).catch(() => undefined);
      // Until the comparison starts a child, its id names the previous comparison's run.
      if (view && view.startTime >= started) printer.update(view);
    }
    // One more pass after the comparison closes prints the children's last stage lines.
    if (last || stop?.aborted) return;
    await Promise.race([
      closed,
      sleep(POLL_MS, undefined, { signal: stop }).catch(() => undefined),
    ]);
  }
}

/** `sfe compare`: the config under both split protocols, then the side-by-side table. */
export async function runComparison(
  file: string,
  options: CompareOptions,
  io: CommandIo,
): Promise<number> {
  const config = await loadConfig(file);
  const problems = await launchProblems(config);
  if (problems.length > 0) throw new ConfigError(file, problems);
  const input = comparisonOf(config);
  const clusterOptions = clusterOptionsOf({
    address: typeof options.address === 'string' ? options.address : config.temporal.address,
    namespace:
      typeof options.namespace === 'string' ? options.namespace : config.temporal.namespace,
  });
  const embedded = isEmbedded(clusterOptions.address);
  const cluster = await openCluster(clusterOptions);
  try {
    const handle = await launchComparison(cluster.client, input);
    const ids = input.runs.map((r) => r.input.experimentId);
    io.err(`[sfe] comparison ${input.compareId}: experiments ${ids.join(' and ')}\n`);
    const workers = embedded
      ? await hostEmbeddedWorkers(cluster, config, stderrStatusLine(io))
      : undefined;
    let comparison: Comparison;
    try {
      await followComparison(cluster.client, handle, ids, io, workers?.stopped);
      if (workers?.stopped.aborted) {
        io.err(`[sfe] stopped; run the same command again to continue\n`);
        return 130;
      }
      comparison = await handle.result();
    } catch (err) {
      io.err(
        `comparison ${input.compareId} failed: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}\n`,
      );
      return 1;
    } finally {
      await workers?.stop();
    }
    const keys = comparisonKeys(input.compareId);
    const where = {
      html: reportLocationOf(input.storageUri, keys.html),
      json: reportLocationOf(input.storageUri, keys.json),
    };
    if (options.json === true) io.out(`${JSON.stringify({ ...where, comparison }, null, 2)}\n`);
    else printComparison(comparison, where, io);
    return 0;
  } finally {
    await cluster.close();
  }
}
