import { setTimeout as sleep } from 'node:timers/promises';
import {
  viewExperiment,
  type ExperimentHandle,
  type ExperimentView,
} from '../client/experiments.js';
import { EtaEstimator, progressLine, stageDoneLine } from './progress-view.js';
import type { StatusLine } from './status-line.js';

const POLL_MS = 1000;

/** The stages an experiment has finished, from its query while it runs or its result after. */
function finishedStages(view: ExperimentView) {
  return view.state?.stages ?? view.result?.stages ?? [];
}

/**
 * Follows one experiment's views: every stage ends on a line of its own (cached, or done and
 * how long it took), the running stage is the status line on a terminal, and off a terminal a
 * progress line is printed per change of stage or every 10% of a stage, so logs stay readable.
 */
export class ProgressPrinter {
  private readonly eta = new EtaEstimator();
  private printedStages = 0;
  private lastLogged = '';

  constructor(private readonly status: StatusLine) {}

  update(view: ExperimentView, now = Date.now()): void {
    const finished = finishedStages(view);
    for (; this.printedStages < finished.length; this.printedStages++) {
      this.status.print(stageDoneLine(finished[this.printedStages]!));
    }
    // A stage that has just ended (the workflow has yet to start the next or to close) already
    // has its line; a progress line would say it is still running.
    const ended = finished.some((ref) => ref.stage === view.state?.stage);
    if (view.status !== 'RUNNING' || ended) {
      this.status.clear();
      return;
    }
    const line = progressLine(view, this.eta.eta(view, now));
    if (this.status.interactive) {
      this.status.show(line);
      return;
    }
    const p = view.progress;
    const decile = p && p.total > 0 ? Math.floor((10 * p.done) / p.total) : 0;
    const key = `${view.state?.stage}/${p?.unit}/${decile}/${view.attempt ?? 1}`;
    if (key !== this.lastLogged) {
      this.lastLogged = key;
      this.status.print(line);
    }
  }
}

/** Shows progress until the experiment closes (or `stop` aborts) and returns its last view. */
export async function watchExperiment(
  handle: ExperimentHandle,
  status: StatusLine,
  stop?: AbortSignal,
): Promise<ExperimentView> {
  const printer = new ProgressPrinter(status);
  for (;;) {
    const view = await viewExperiment(handle, stop);
    if (stop?.aborted) {
      status.clear();
      return view;
    }
    printer.update(view);
    if (view.status !== 'RUNNING') return view;
    await sleep(POLL_MS, undefined, { signal: stop }).catch(() => undefined);
  }
}
