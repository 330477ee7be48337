import type { ExperimentView } from '../client/experiments.js';
import { STAGES } from '../pipeline/stage-ref.js';

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
  return Math.abs(value) >= 1000 || (Math.abs(value) < 0.001 && value !== 0)
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

/** One line: the stage, a bar, counts, ETA and the latest losses. */
export function progressLine(view: ExperimentView, eta: number | undefined): string {
  const stage = view.state?.stage ?? 'starting';
  // The running stage's place in the chain (the stage list also holds the finished ones).
  const position = view.state?.stage ? STAGES.indexOf(view.state.stage) + 1 : 0;
  const head = `[${position}/${STAGES.length} ${stage}]`;
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
