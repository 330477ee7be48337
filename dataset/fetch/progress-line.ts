/** Where progress goes: stderr, rewritten in place only on a terminal. */
export interface ProgressSink {
  write(text: string): void;
  tty: boolean;
}

/** Redraws on a terminal at most this often: a fast download would flood it otherwise. */
const TTY_INTERVAL_MS = 200;
/** Without a known size a log gets a line per this many bytes instead of per 10%. */
const UNSIZED_STEP = 64 * 2 ** 20;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * One download's progress: bytes, percent, rate and ETA. The rate counts only this run's bytes,
 * so a resumed download does not claim the part file arrived instantly.
 */
export class ProgressLine {
  private baseline: { done: number; at: number } | undefined;
  private lastDraw = -Infinity;
  private lastStep = -1;

  constructor(
    private readonly label: string,
    private readonly sink: ProgressSink,
    private readonly now: () => number = Date.now,
  ) {}

  update(done: number, total: number | undefined): void {
    const at = this.now();
    this.baseline ??= { done, at };
    if (this.sink.tty) {
      if (at - this.lastDraw < TTY_INTERVAL_MS) return;
      this.lastDraw = at;
      this.sink.write(`\r${this.text(done, total, at)}\x1b[K`);
      return;
    }
    const step = total ? Math.floor((10 * done) / total) : Math.floor(done / UNSIZED_STEP);
    if (step <= this.lastStep) return;
    this.lastStep = step;
    this.sink.write(`${this.text(done, total, at)}\n`);
  }

  /** The final figures, once, and the terminal's line ended. */
  end(done: number, total: number | undefined): void {
    const at = this.now();
    this.baseline ??= { done, at };
    if (this.sink.tty) {
      this.sink.write(`\r${this.text(done, total, at)}\x1b[K\n`);
      return;
    }
    // A sized download that logged its 100% line has said everything already.
    if (total && done >= total && this.lastStep >= 10) return;
    this.sink.write(`${this.text(done, total, at)}\n`);
  }

  private text(done: number, total: number | undefined, at: number): string {
    const parts = [
      this.label,
      total ? `${formatBytes(done)} / ${formatBytes(total)}` : formatBytes(done),
    ];
    if (total) parts.push(`${Math.floor((100 * done) / total)}%`);
    const base = this.baseline!;
    const seconds = (at - base.at) / 1000;
    const rate = seconds > 0 ? (done - base.done) / seconds : undefined;
    if (rate !== undefined) parts.push(`${formatBytes(rate)}/s`);
    if (total && rate) parts.push(`ETA ${clock((total - done) / rate)}`);
    return parts.join('  ');
  }
}
