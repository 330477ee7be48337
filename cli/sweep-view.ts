import type { TrialRecord } from '../sweep/leaderboard.js';
import type { CommandIo } from './command.js';
import { formatAccuracy } from '../report/format.js';

const value = (v: number | null) =>
  v === null ? '—' : Number.isInteger(v) ? String(v) : v.toPrecision(4);

/** The leaderboard as a table: rank, trial, status, objective, stopped-at, parameters. */
export function printLeaderboard(
  trials: readonly TrialRecord[],
  metric: string,
  io: CommandIo,
): void {
  io.out(`rank  trial  status     ${metric.padEnd(12)} stopped@  params\n`);
  trials.forEach((t, rank) => {
    const params = Object.entries(t.params)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? value(v) : String(v)}`)
      .join(' ');
    io.out(
      `${String(rank + 1).padStart(4)}  t${String(t.index).padEnd(4)} ${t.status.padEnd(10)} ${value(t.objective).padEnd(12)} ${value(t.stoppedAtResource).padEnd(9)} ${params}${
        t.objectiveCount && t.objective !== null
          ? `  (${formatAccuracy(t.objectiveCount.correct, t.objectiveCount.total)})`
          : ''
      }\n`,
    );
  });
}
