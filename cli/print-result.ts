import { reportLocation } from '../client/report-location.js';
import type { ExperimentView } from '../client/experiments.js';
import type { CommandIo } from './command.js';

const pct = (value: unknown) => (typeof value === 'number' ? `${(100 * value).toFixed(1)}%` : '—');

/** The headline table `sfe run` and `sfe report` end with. */
export function printHeadline(view: ExperimentView, io: CommandIo): void {
  const result = view.result;
  if (!result) return;
  const h = result.headline;
  const where = reportLocation(result.storageUri, result.experimentId);
  io.out(
    [
      `experiment ${result.experimentId} completed`,
      '',
      '                      undefended  defended',
      `  adversarial test    ${pct(h.adversarialUndefended).padStart(10)}  ${pct(h.adversarialDefended).padStart(8)}`,
      `  benign test         ${pct(h.benignUndefended).padStart(10)}  ${pct(h.benignDefended).padStart(8)}`,
      `  detection AUROC     ${typeof h.detectionAuroc === 'number' ? h.detectionAuroc.toFixed(3).padStart(10) : '—'}`,
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
