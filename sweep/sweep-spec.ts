import { z } from 'zod';

export type ParamValue = number | string | boolean;
/** One trial's point in the search space: config path -> value. */
export type TrialParams = Record<string, ParamValue>;

/** Dot-separated object keys into the experiment config, e.g. `gan.lr`. */
export const configPathSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/,
    'a config path is dot-separated keys of letters and digits, e.g. "gan.lr"',
  );

const choiceParamSchema = z.strictObject({
  type: z.literal('choice'),
  values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1),
});

const uniformParamSchema = z
  .strictObject({ type: z.literal('uniform'), low: z.number(), high: z.number() })
  .refine((p) => p.low < p.high, { path: ['high'], message: 'high must be greater than low' });

const logUniformParamSchema = z
  .strictObject({ type: z.literal('loguniform'), low: z.number().positive(), high: z.number() })
  .refine((p) => p.low < p.high, { path: ['high'], message: 'high must be greater than low' });

const intParamSchema = z
  .strictObject({
    type: z.literal('int'),
    low: z.number().int(),
    high: z.number().int(),
    step: z.number().int().positive().default(1),
  })
  .refine((p) => p.low <= p.high, { path: ['high'], message: 'high must be at least low' });

export const paramSchema = z.discriminatedUnion('type', [
  choiceParamSchema,
  uniformParamSchema,
  logUniformParamSchema,
  intParamSchema,
]);
export type ParamSpec = z.output<typeof paramSchema>;

const strategySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('grid') }),
  z.strictObject({ kind: z.literal('random') }),
  z.strictObject({
    kind: z.literal('tpe'),
    /** Random trials before the model has anything to learn from. */
    startupTrials: z.number().int().min(1).default(4),
    /** Trials proposed together from the same model (they can run in parallel). */
    generationSize: z.number().int().min(1).default(2),
    /** The fraction of finished trials that count as "good" (the l(x) estimator). */
    gamma: z.number().gt(0).lt(1).default(0.25),
    /** Samples from l(x) scored by l/g to pick each proposal. */
    candidates: z.number().int().min(1).default(24),
  }),
]);
export type SweepStrategy = z.output<typeof strategySchema>;

const earlyStoppingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('successive-halving'),
    /** The training budget a rung grants; only GAN iterations report intermediate metrics. */
    resource: z.literal('gan.iterations'),
    minResource: z.number().int().positive(),
    eta: z.number().int().min(2).default(3),
  }),
]);
export type EarlyStopping = z.output<typeof earlyStoppingSchema>;

export const sweepSpecSchema = z
  .strictObject({
    /** Doubles as the sweep's workflow ID, so relaunching under the same name resumes it. */
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
        'a name is 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit',
      )
      .optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0),
    /** An experiment config as a user writes it; the sweep workflow validates it per trial. */
    base: z.record(z.string(), z.unknown()),
    space: z
      .record(z.string(), paramSchema)
      .refine((space) => Object.keys(space).length > 0, 'the search space needs a parameter')
      .superRefine((space, ctx) => {
        // Checked here rather than as the record's key schema, whose issue would not say why.
        for (const path of Object.keys(space)) {
          const result = configPathSchema.safeParse(path);
          if (!result.success) {
            ctx.addIssue({
              code: 'custom',
              path: [path],
              message: result.error.issues[0]!.message,
            });
          }
        }
      }),
    strategy: strategySchema,
    /** The budget; a grid runs at most this many of its points, in grid order. */
    trials: z.number().int().positive(),
    objective: z.strictObject({
      /** A key of the experiment's headline metrics, e.g. `adversarialDefended`. */
      metric: z.string().min(1),
      direction: z.enum(['maximize', 'minimize']),
    }),
    concurrency: z.number().int().positive().default(2),
    earlyStopping: earlyStoppingSchema.default({ kind: 'none' }),
  })
  .superRefine((spec, ctx) => {
    const paths = Object.keys(spec.space);
    for (const path of paths) {
      const param = spec.space[path]!;
      if (spec.strategy.kind === 'grid' && param.type !== 'choice' && param.type !== 'int') {
        ctx.addIssue({
          code: 'custom',
          path: ['space', path, 'type'],
          message: `a grid needs discrete parameters (choice or int); "${path}" is ${param.type}`,
        });
      }
      const enclosing = paths.find((other) => path.startsWith(`${other}.`));
      if (enclosing !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['space', path],
          message: `"${path}" lies inside "${enclosing}", which the space also sets`,
        });
      }
    }
    const stopping = spec.earlyStopping;
    if (stopping.kind === 'successive-halving') {
      if (stopping.resource in spec.space) {
        ctx.addIssue({
          code: 'custom',
          path: ['space', stopping.resource],
          message: `"${stopping.resource}" is the early-stopping resource and cannot also be searched`,
        });
      }
      const maxResource = baseIterations(spec.base);
      if (maxResource !== undefined && stopping.minResource > maxResource) {
        ctx.addIssue({
          code: 'custom',
          path: ['earlyStopping', 'minResource'],
          message: `minResource ${stopping.minResource} exceeds the base's gan.iterations (${maxResource})`,
        });
      }
    }
  });

export type SweepSpec = z.output<typeof sweepSpecSchema>;
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;

/** The base config's `gan.iterations` when it sets one: the full budget of a trial. */
export function baseIterations(base: Record<string, unknown>): number | undefined {
  const gan = base['gan'];
  if (typeof gan !== 'object' || gan === null) return undefined;
  const iterations = (gan as Record<string, unknown>)['iterations'];
  return typeof iterations === 'number' ? iterations : undefined;
}

/** A sweep spec that failed validation; each issue names its field path (e.g. `space.gan.lr.high`). */
export class SweepSpecError extends Error {
  constructor(readonly issues: readonly { path: string; message: string }[]) {
    super(
      `invalid sweep spec:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`,
    );
    this.name = 'SweepSpecError';
  }
}

export function parseSweepSpec(value: unknown): SweepSpec {
  const result = sweepSpecSchema.safeParse(value);
  if (result.success) return result.data;
  throw new SweepSpecError(
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
