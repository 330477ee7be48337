import { reportLocation } from '../client/report-location.js';
import type { ExperimentView } from '../client/experiments.js';
import type { CommandIo } from './command.js';
import { formatAccuracy, formatMcnemar } from '../report/format.js';

const pct = (value: unknown) => (typeof value === 'number' ? `${(100 * value).toFixed(1)}%` : '—');
const number = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** A headline rate with its count and interval where the evaluation recorded them. */
function accuracyOf(h: Record<string, unknown>, name: string): string {
  const correct = number(h[`${name}Correct`]);
  const total = number(h[`${name}Total`]);
  return correct !== undefined && total !== undefined && total > 0
    ? formatAccuracy(correct, total)
    : pct(h[name]);
}

function pairedOf(h: Record<string, unknown>, split: string): string {
  const b = number(h[`${split}PairedB`]);
  const c = number(h[`${split}PairedC`]);
  return b !== undefined && c !== undefined ? formatMcnemar(b, c) : '—';
}

/** The headline table `sfe run` and `sfe report` end with. */
export function printHeadline(view: ExperimentView, io: CommandIo): void {
  const result = view.result;
  if (!result) return;
  const h = result.headline;
  const where = reportLocation(result.storageUri, result.experimentId);
  const rows = (['adversarial', 'benign'] as const).map((split) => [
    `${split} test`,
    accuracyOf(h, `${split}Undefended`),
    accuracyOf(h, `${split}Defended`),
    pairedOf(h, split),
  ]);
  const auroc = typeof h.detectionAuroc === 'number' ? h.detectionAuroc.toFixed(3) : '—';
  const table = [['', 'undefended', 'defended', 'paired test (McNemar)'], ...rows];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((r) => r[col]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ')}`.trimEnd();
  io.out(
    [
      `experiment ${result.experimentId} completed`,
      '',
      ...table.map(line),
      `  ${'detection AUROC'.padEnd(widths[0]!)}  ${auroc.padStart(widths[1]!)}`,
      '',
      'accuracy: correct/total and 95% Wilson interval; paired test: b right only undefended,',
      'c right only defended, exact two-sided p',
      '',
      `report:  ${where.html}`,
      `metrics: ${where.metrics}`,
      '',
    ].join('\n'),
  );
}

/** `--json`: one object a script can read. */
export function printJsonSummary(view: ExperimentView, io: CommandIo): void {
  const result = view.result;
  const where = result ? reportLocation(result.storageUri, result.experimentId) : undefined;
  io.out(
    `${JSON.stringify(
      {
        experimentId: view.experimentId,
        status: view.status,
        ...(where ? { report: where.html, metrics: where.metrics } : {}),
        ...(result
          ? { configHash: result.configHash, headline: result.headline, stages: result.stages }
          : {}),
        ...(view.failure ? { error: view.failure } : {}),
      },
      null,
      2,
    )}\n`,
  );
}
