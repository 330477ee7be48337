/** One experiment as `sfe list` shows it: its latest run, and how many runs it has had. */
export interface ListRow {
  experimentId: string;
  status: string;
  stage: string;
  configHash: string;
  /** ISO 8601 start of the latest run. */
  startTime: string;
  runs: number;
}

export type RunRow = Omit<ListRow, 'runs'>;

/**
 * An experiment is one workflow ID; each launch or resume of it is another run. The list shows
 * each experiment once, as its latest run, newest first.
 */
export function latestPerExperiment(runs: readonly RunRow[]): ListRow[] {
  const byId = new Map<string, ListRow>();
  const newestFirst = [...runs].sort((a, b) => b.startTime.localeCompare(a.startTime));
  for (const run of newestFirst) {
    const seen = byId.get(run.experimentId);
    if (seen) seen.runs++;
    else byId.set(run.experimentId, { ...run, runs: 1 });
  }
  return [...byId.values()];
}

const COLUMNS: [string, (r: ListRow) => string][] = [
  ['EXPERIMENT', (r) => r.experimentId],
  ['STATUS', (r) => r.status],
  ['STAGE', (r) => r.stage],
  ['CONFIG', (r) => r.configHash.slice(0, 12)],
  ['RUNS', (r) => String(r.runs)],
  ['STARTED', (r) => r.startTime],
];

/** A header row, then one aligned row per experiment. */
export function formatList(rows: readonly ListRow[]): string {
  const cells = [
    COLUMNS.map(([name]) => name),
    ...rows.map((r) => COLUMNS.map(([, get]) => get(r))),
  ];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
