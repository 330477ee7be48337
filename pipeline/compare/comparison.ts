import * as z from 'zod';
import { wilsonInterval } from '../../ml/metrics/statistics.js';
import { PROTOCOLS, type Protocol } from './protocol-variants.js';

const count = z.number().int().nonnegative();
const cellSchema = z.strictObject({ correct: count, total: count });
const defenseSchema = z.object({ undefended: cellSchema.loose(), defended: cellSchema.loose() });

/** The part of an experiment's metrics.json a comparison reads (other keys are ignored). */
export const comparedMetricsSchema = z.object({
  experimentId: z.string(),
  accuracy: z.object({
    adversarial: z.object({ all1000: defenseSchema }),
    benign: z.object({ all1000: defenseSchema }),
  }),
  leakage: z.object({
    protocol: z.enum(PROTOCOLS),
    exactDuplicates: count,
    nearDuplicates: count,
  }),
});
export type ComparedMetrics = z.infer<typeof comparedMetricsSchema>;

/** `correct` of `total` test images, with the 95% Wilson interval of the rate. */
export interface CountCell {
  correct: number;
  total: number;
  accuracy: number;
  interval95: { low: number; high: number };
}

export interface ProtocolRow {
  protocol: Protocol;
  experimentId: string;
  adversarial: { undefended: CountCell; defended: CountCell };
  benign: { undefended: CountCell; defended: CountCell };
  /** Test images (benign and adversarial) with an exact or near duplicate in training. */
  leakage: { exactDuplicates: number; nearDuplicates: number; testImages: number };
}

/** What the leak adds: paper minus leak-free, in accuracy points (fractions). */
export interface LeakEffect {
  adversarialUndefended: number;
  adversarialDefended: number;
  benignUndefended: number;
  benignDefended: number;
  /** Defended minus undefended on the adversarial test split, per protocol. */
  defenseGain: Record<Protocol, number>;
}

export interface Comparison {
  compareId: string;
  createdAt: string;
  protocols: ProtocolRow[];
  leakEffect: LeakEffect;
}

function cellOf(c: { correct: number; total: number }): CountCell {
  return {
    correct: c.correct,
    total: c.total,
    accuracy: c.total === 0 ? 0 : c.correct / c.total,
    // No test image at all leaves the rate wholly unknown.
    interval95: c.total === 0 ? { low: 0, high: 1 } : wilsonInterval(c.correct, c.total),
  };
}

function rowOf(metrics: ComparedMetrics): ProtocolRow {
  const a = metrics.accuracy;
  const pair = (d: ComparedMetrics['accuracy']['benign']['all1000']) => ({
    undefended: cellOf(d.undefended),
    defended: cellOf(d.defended),
  });
  return {
    protocol: metrics.leakage.protocol,
    experimentId: metrics.experimentId,
    adversarial: pair(a.adversarial.all1000),
    benign: pair(a.benign.all1000),
    leakage: {
      exactDuplicates: metrics.leakage.exactDuplicates,
      nearDuplicates: metrics.leakage.nearDuplicates,
      testImages: a.adversarial.all1000.undefended.total + a.benign.all1000.undefended.total,
    },
  };
}

/** Side by side: one row per protocol (leak-free first) and the difference the leak makes. */
export function compareProtocols(
  compareId: string,
  metrics: readonly ComparedMetrics[],
  createdAt: string,
): Comparison {
  const rows = PROTOCOLS.map((protocol) => {
    const found = metrics.filter((m) => m.leakage.protocol === protocol);
    if (found.length !== 1) {
      throw new Error(
        `comparison ${compareId}: expected one experiment under the ${protocol} protocol, found ${found.length}`,
      );
    }
    return rowOf(found[0]!);
  });
  const [free, paper] = rows as [ProtocolRow, ProtocolRow];
  const gain = (r: ProtocolRow) =>
    r.adversarial.defended.accuracy - r.adversarial.undefended.accuracy;
  return {
    compareId,
    createdAt,
    protocols: rows,
    leakEffect: {
      adversarialUndefended:
        paper.adversarial.undefended.accuracy - free.adversarial.undefended.accuracy,
      adversarialDefended: paper.adversarial.defended.accuracy - free.adversarial.defended.accuracy,
      benignUndefended: paper.benign.undefended.accuracy - free.benign.undefended.accuracy,
      benignDefended: paper.benign.defended.accuracy - free.benign.defended.accuracy,
      defenseGain: { 'leak-free': gain(free), paper: gain(paper) },
    },
  };
}

/** Where a comparison's page and JSON live in the store. */
export function comparisonKeys(compareId: string): { html: string; json: string } {
  return {
    html: `comparisons/${compareId}/report.html`,
    json: `comparisons/${compareId}/comparison.json`,
  };
}
