import { setTimeout as sleep } from 'node:timers/promises';
import {
  viewExperiment,
  type ExperimentHandle,
  type ExperimentView,
} from '../client/experiments.js';
import type { CommandIo } from './command.js';
import { EtaEstimator, progressLine } from './progress-view.js';

const POLL_MS = 1000;

/**
 * Shows progress until the experiment closes: one rewritten line on a terminal, a line per
 * change of stage (or every 10% of a stage) otherwise, so logs stay readable.
 */
export async function watchExperiment(
  handle: ExperimentHandle,
  io: CommandIo,
  stop?: AbortSignal,
): Promise<ExperimentView> {
  const tty = process.stderr.isTTY === true;
  const eta = new EtaEstimator();
  let lastLogged = '';
  const announced = new Set<string>();
  for (;;) {
    const view = await viewExperiment(handle, stop);
    for (const ref of view.state?.stages ?? []) {
      if (ref.recomputed === undefined || announced.has(ref.stage)) continue;
      announced.add(ref.stage);
      io.err(`${tty ? '\r\x1b[2K' : ''}[sfe] ${ref.stage} recomputed: ${ref.recomputed}\n`);
    }
    if (view.status !== 'RUNNING' || stop?.aborted) {
      if (tty) io.err('\r\x1b[2K');
      return view;
    }
    const line = progressLine(view, eta.eta(view));
    if (tty) {
      io.err(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    } else {
      const p = view.progress;
      const decile = p && p.total > 0 ? Math.floor((10 * p.done) / p.total) : 0;
      const key = `${view.state?.stage}/${p?.unit}/${decile}/${view.attempt}`;
      if (key !== lastLogged) {
        lastLogged = key;
        io.err(`${line}\n`);
      }
    }
    await sleep(POLL_MS, undefined, { signal: stop }).catch(() => undefined);
  }
}
