import * as z from 'zod';

/** Everything the sweep page shows (issue 5 item 5); `render-sweep-html.ts` only reads it. */

const text = z.string().min(1);

/**
 * A link from the sweep page to a trial's report, relative to the sweep page (for example
 * `../exp-3f9a2c/report.html`), so the pages keep working wherever the store is copied. No
 * scheme and no leading slash: the page never points outside itself.
 */
export const relativeHrefSchema = z.string().regex(/^(?!\/)[A-Za-z0-9._~/-]+$/, {
  error: 'expected a relative path such as "../exp-1/report.html"',
});

export const sweepTrialSchema = z.strictObject({
  trialId: text,
  /** The sampled value of each searched config path. */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** The objective metric's value; null while unknown (failed, pending, running). */
  objective: z.number().nullable(),
  /** k of n behind an accuracy objective: the page gives its 95% interval. */
  objectiveCount: z
    .strictObject({ correct: z.number().int().nonnegative(), total: z.number().int().positive() })
    .optional(),
  status: z.enum(['completed', 'stopped-early', 'failed', 'running', 'pending', 'cancelled']),
  /** Where early stopping (ASHA) ended the trial, in the unit training reports (iteration). */
  stoppedEarlyAt: z.number().int().nonnegative().optional(),
  reportHref: relativeHrefSchema.optional(),
});

export const sweepReportModelSchema = z.strictObject({
  sweep: z.strictObject({
    id: text,
    strategy: text,
    createdAt: z.iso.datetime({ offset: true }),
  }),
  objective: z.strictObject({
    /** A path into metrics.json, e.g. `accuracy.adversarial.imagenetA200.defended.accuracy`. */
    metric: text,
    direction: z.enum(['maximize', 'minimize']),
  }),
  /** The searched config paths in table order; `log` for log-uniform ones. */
  parameters: z.array(
    z.strictObject({ path: text, scale: z.enum(['linear', 'log']).default('linear') }),
  ),
  trials: z.array(sweepTrialSchema),
});

export type SweepReportModel = z.output<typeof sweepReportModelSchema>;
export type SweepReportModelInput = z.input<typeof sweepReportModelSchema>;
export type SweepTrial = z.output<typeof sweepTrialSchema>;
