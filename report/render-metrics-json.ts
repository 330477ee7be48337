import { mcnemarExact, wilsonInterval } from '../ml/metrics/statistics.js';
import {
  reportModelSchema,
  type AccuracyCell,
  type DefenseComparison,
  type ReportModelInput,
} from './report-model.js';

/**
 * The headline metrics as `metrics.json`: the machine-readable twin of the report's tables,
 * read by sweeps (objective paths such as `accuracy.adversarial.imagenetA200.defended.accuracy`)
 * and by `sfe run --json`. Keys come in a fixed order so that equal metrics give equal bytes.
 */
export function renderMetricsJson(input: ReportModelInput): string {
  const model = reportModelSchema.parse(input);
  const e = model.experiment;
  const comparison = (c: DefenseComparison) => ({
    undefended: cell(c.undefended),
    defended: cell(c.defended),
    ...(c.paired === undefined ? {} : { mcnemar: mcnemarExact(c.paired.b, c.paired.c) }),
  });
  const split = (s: typeof model.accuracy.adversarial) => ({
    all1000: comparison(s.all1000),
    imagenetA200: comparison(s.imagenetA200),
  });
  const d = model.detection;
  const metrics = {
    schemaVersion: 1,
    experimentId: e.id,
    ...(e.name === undefined ? {} : { name: e.name }),
    configHash: e.configHash,
    codeVersion: e.codeVersion,
    createdAt: e.createdAt,
    backend: e.backend,
    defenseModule: model.defenseModule,
    accuracy: {
      adversarial: split(model.accuracy.adversarial),
      benign: split(model.accuracy.benign),
    },
    ...(model.fit === undefined
      ? {}
      : {
          fit: {
            adversarial: comparison(model.fit.adversarial),
            benign: comparison(model.fit.benign),
          },
        }),
    ...(model.probe === undefined
      ? {}
      : {
          probe: {
            trainImages: model.probe.trainImages,
            adversarial: cell(model.probe.adversarial),
            benign: cell(model.probe.benign),
          },
        }),
    detection: {
      threshold: d.threshold,
      accuracy: d.accuracy,
      auroc: d.auroc,
      fprTarget: d.fprTarget,
      tprAtFpr: d.tprAtFpr,
    },
    ...(model.imagenetO === undefined
      ? {}
      : {
          imagenetO: {
            before: ood(model.imagenetO.before),
            after: ood(model.imagenetO.after),
          },
        }),
    leakage: {
      protocol: model.data.leakage.protocol,
      exactDuplicates: model.data.leakage.exactDuplicates,
      nearDuplicates: model.data.leakage.nearDuplicates,
    },
  };
  return `${JSON.stringify(metrics, null, 2)}\n`;
}

function cell(c: AccuracyCell) {
  return {
    accuracy: c.correct / c.total,
    correct: c.correct,
    total: c.total,
    interval95: wilsonInterval(c.correct, c.total),
  };
}

function ood(s: { auroc: number; aupr: number; fpr95: number }) {
  return { auroc: s.auroc, aupr: s.aupr, fpr95: s.fpr95 };
}
