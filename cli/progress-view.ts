import type { ExperimentView } from '../client/experiments.js';
import { formatSeconds } from '../report/format.js';
import { STAGES, type StageName, type StageRef } from '../pipeline/stage-ref.js';

const BAR_WIDTH = 24;

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

function compact(value: number): string {
  // Counts (failed images, retries) read as counts, not as "0.00".
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1000 || Math.abs(value) < 0.001
    ? value.toExponential(2)
    : value.toPrecision(3);
}

/**
 * Estimates time left from how fast the running stage's counter moved since this watcher first
 * saw it; the workers know nothing of wall clocks across restarts, the watcher does.
 */
export class EtaEstimator {
  private first: { key: string; done: number; at: number } | undefined;

  eta(view: ExperimentView, now = Date.now()): number | undefined {
    const p = view.progress;
    if (!p || !view.state?.stage) return undefined;
    const key = `${view.state.stage}/${p.unit}/${p.total}`;
    if (this.first?.key !== key || p.done < this.first.done)
      this.first = { key, done: p.done, at: now };
    const rate = (p.done - this.first.done) / ((now - this.first.at) / 1000);
    return rate > 0 ? (p.total - p.done) / rate : undefined;
  }
}

/** `[4/7 gan]`: a stage by its place in the workflow's chain. */
function stageHead(stage: StageName | null): string {
  const position = stage ? STAGES.indexOf(stage) + 1 : 0;
  return `[${position}/${STAGES.length} ${stage ?? 'starting'}]`;
}

/** The line a finished stage ends on: reused from the cache, or computed and how long it took. */
export function stageDoneLine(ref: StageRef): string {
  const head = stageHead(ref.stage);
  if (ref.cached) return `${head} cached`;
  const why = ref.recomputed === undefined ? '' : ` (recomputed: ${ref.recomputed})`;
  return `${head} done in ${formatSeconds(ref.seconds)}${why}`;
}

/** One line: the stage, a bar, counts, ETA and the latest losses. */
export function progressLine(view: ExperimentView, eta: number | undefined): string {
  const head = stageHead(view.state?.stage ?? null);
  const p = view.progress;
  if (!p || p.total === 0) {
    const retry =
      view.attempt && view.attempt > 1
        ? ` (attempt ${view.attempt}${view.failure ? `; ${view.failure}` : ''})`
        : '';
    return `${head} ${view.status.toLowerCase()}${retry}`;
  }
  const parts = [head, bar(p.done / p.total), `${p.done}/${p.total} ${p.unit}`];
  if (eta !== undefined) parts.push(`ETA ${clock(eta)}`);
  if (view.attempt && view.attempt > 1) parts.push(`attempt ${view.attempt}`);
  const recent = Object.entries(p.recent ?? {}).slice(0, 3);
  if (recent.length) parts.push(recent.map(([k, v]) => `${k} ${compact(v)}`).join(' '));
  if (view.failure) parts.push(`(${view.failure})`);
  return parts.join('  ');
}
