import { DEFENSE_MODULES } from '../ml/defense/defense-options.js';
import * as z from 'zod';

/**
 * Everything an experiment report shows (SPEC §2.5, issue 4 item 8). The workflow's report
 * stage fills it from the stages' outputs; `render-html.ts` and `render-metrics-json.ts` only
 * read it. Counts rather than fractions where the evaluation has them, so the page can print
 * "415/528" beside the percentage.
 */

const count = z.number().int().nonnegative();
const fraction = z.number().min(0).max(1);
const text = z.string().min(1);

/** `correct` of `total` test images classified right (ml/metrics/accuracy.ts `AccuracyResult`). */
export const accuracyCellSchema = z
  .strictObject({ correct: count, total: z.number().int().positive() })
  .refine((c) => c.correct <= c.total, { error: 'expected correct ≤ total' });

/**
 * The discordant pairs of undefended vs defended on the same images (the exact McNemar test's
 * input): `b` right undefended and wrong defended, `c` wrong undefended and right defended.
 */
export const pairedCountsSchema = z.strictObject({ b: count, c: count });

const defenseComparison = z
  .strictObject({
    undefended: accuracyCellSchema,
    defended: accuracyCellSchema,
    /** Absent in evaluations written before per-image outcomes were kept. */
    paired: pairedCountsSchema.optional(),
  })
  .superRefine((cmp, ctx) => {
    const p = cmp.paired;
    if (!p) return;
    // b images lost a right answer, c gained one: both sides must be reachable from the counts.
    if (cmp.undefended.total !== cmp.defended.total)
      ctx.addIssue({
        code: 'custom',
        path: ['paired'],
        message: 'paired counts need the same images on both sides',
        input: p,
      });
    else if (
      p.b > cmp.undefended.correct ||
      p.c > cmp.defended.correct ||
      cmp.defended.correct - cmp.undefended.correct !== p.c - p.b
    )
      ctx.addIssue({
        code: 'custom',
        path: ['paired'],
        message: `expected defended − undefended correct (${cmp.defended.correct - cmp.undefended.correct}) = c − b`,
        input: p,
      });
  });

/** One test split scored two ways: plain 1000-way argmax and the ImageNet-A 200-class protocol. */
const splitAccuracy = z.strictObject({
  all1000: defenseComparison,
  imagenetA200: defenseComparison,
});

export const rocPointSchema = z.strictObject({ fpr: fraction, tpr: fraction });

export const detectionSchema = z.strictObject({
  /** AdvD scores at or above it count as adversarial. */
  threshold: fraction,
  accuracy: fraction,
  auroc: fraction,
  /** The false-positive rate at which `tpr` is read off the ROC curve (0.05 by default). */
  fprTarget: fraction,
  tprAtFpr: fraction,
  roc: z.array(rocPointSchema).min(2),
});

const oodScores = z.strictObject({ auroc: fraction, aupr: fraction, fpr95: fraction });

export const imagenetOSchema = z.strictObject({ before: oodScores, after: oodScores });

const duplicatePair = z.strictObject({
  kind: z.enum(['exact', 'near']),
  trainId: text,
  testId: text,
  /** Hamming distance of the perceptual hashes; 0 for exact duplicates. */
  distance: count.optional(),
});

export const dataSummarySchema = z.strictObject({
  /**
   * What the images are, in words a reader can check (the demo world is not ImageNet), and the
   * names the tables give the two test sets. Absent in reports modelled before it was added.
   */
  description: z
    .strictObject({ summary: text, adversarial: text, benign: text, imagenet: z.boolean() })
    .optional(),
  /** Class names in label order, as the data set's class list gives them. */
  classNames: z.array(z.string()).optional(),
  counts: z.array(
    z.strictObject({
      /** `benign`, `adversarial`, or an ImageNet-O role; shown as given. */
      role: text,
      split: z.enum(['train', 'test']),
      images: count,
    }),
  ),
  classes: count,
  /** Unreadable or skipped source images; `first` holds a few of their messages. */
  problems: z.strictObject({ count, first: z.array(z.string()) }),
  /** Present when the adversarial set was built by adversarial filtration. */
  filtration: z
    .strictObject({
      photos: count,
      views: count,
      /** Views the target model got wrong: the adversarial images. */
      misclassified: count,
      classes: count,
      classesKept: count,
    })
    .optional(),
  /** Present when the adversarial set was made by an attack against the target model. */
  attack: z
    .strictObject({
      method: z.enum(['fgsm', 'pgd']),
      /** Fraction of the 0–255 range, as configured. */
      epsilon: z.number().positive(),
      steps: count,
      photos: count,
      views: count,
      /** Views the target model named right before and after the attack. */
      cleanCorrect: count,
      attackedCorrect: count,
    })
    .optional(),
  leakage: z.strictObject({
    protocol: z.enum(['leak-free', 'paper']),
    exactDuplicates: count,
    nearDuplicates: count,
    examples: z.array(duplicatePair),
  }),
});

/** A curve's y values; null marks a non-finite value (a diverged loss), drawn as a gap. */
const curveValues = z.array(z.number().nullable());

/**
 * Per-iteration SFE GAN losses. Each record maps a curve name to its values, e.g.
 * `{ PG: [...], NG: [...] }`, or `{ shared: [...] }` for the D loss of a shared discriminator.
 */
export const ganCurvesSchema = z.strictObject({
  iteration: z.array(z.number()),
  dLoss: z.record(z.string(), curveValues),
  gLoss: z.record(z.string(), curveValues),
  mse: z.record(z.string(), curveValues),
});

export const advdCurvesSchema = z.strictObject({
  epoch: z.array(z.number()),
  trainLoss: curveValues,
  valLoss: curveValues,
  trainAccuracy: curveValues,
  valAccuracy: curveValues,
});

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const pngBytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, { error: 'expected a Uint8Array' })
  .refine((b) => PNG_SIGNATURE.every((byte, i) => b[i] === byte), { error: 'expected PNG bytes' });

/** An image embedded as bytes, or a store key that `embed-images.ts` resolves before rendering. */
export const reportImageSchema = z.union([
  z.strictObject({ png: pngBytes }),
  z.strictObject({ key: text }),
]);

export const gradcamEntrySchema = z.strictObject({
  imageId: text,
  /** The test set it is from, e.g. "adversarial test". */
  split: text.optional(),
  /** What the defense did to its top-1 answer. */
  outcome: z.enum(['fixed', 'broken', 'unchanged-right', 'unchanged-wrong']).optional(),
  /** The true class, e.g. "n01498041 stingray" (ImageNet) or "circle" (the demo world). */
  label: z.string(),
  predictedBefore: z.string().optional(),
  predictedAfter: z.string().optional(),
  before: reportImageSchema,
  after: reportImageSchema,
});

export const stageRecordSchema = z.strictObject({
  stage: text,
  key: text,
  outcome: z.enum(['cached', 'computed']),
  seconds: z.number().nonnegative(),
  /** Why a stage with a cached result was computed again. */
  recomputed: z.string().optional(),
});

export const reportModelSchema = z
  .strictObject({
    experiment: z.strictObject({
      id: text,
      name: z.string().optional(),
      configHash: text,
      codeVersion: text,
      /** ISO 8601. */
      createdAt: z.iso.datetime({ offset: true }),
      backend: text,
    }),
    /** The resolved config, shown pretty-printed. */
    config: z.json(),
    data: dataSummarySchema,
    accuracy: z.strictObject({
      adversarial: splitAccuracy,
      benign: splitAccuracy,
      /**
       * How many classes each protocol's argmax ran over: the model's own, and those of them in
       * ImageNet-A's 200. Where they are equal the 200-class row says nothing new and is left out.
       * Absent in evaluations written before it was added.
       */
      classes: z.strictObject({ model: z.number().int().positive(), imagenetA: count }).optional(),
    }),
    /** The module in front of the head for the defended figures (config `defense.module`). */
    defenseModule: z.enum(DEFENSE_MODULES).default('sfe-pg'),
    /**
     * The same comparison (1000-way) on the training images the GAN and AdvD learned from: far
     * above the test figures, it shows a defense that fits its data rather than generalises.
     */
    fit: z.strictObject({ adversarial: defenseComparison, benign: defenseComparison }).optional(),
    /**
     * A linear probe of the true class (the object) from the target model's features, fit on
     * the training split's benign and adversarial features: where it reads the class that the
     * head misses, the features carry what a defense in feature space could recover.
     */
    probe: z
      .strictObject({
        trainImages: z.number().int().positive(),
        adversarial: accuracyCellSchema,
        benign: accuracyCellSchema,
      })
      .optional(),
    detection: detectionSchema,
    imagenetO: imagenetOSchema.optional(),
    training: z.strictObject({
      gan: ganCurvesSchema.optional(),
      advd: advdCurvesSchema.optional(),
    }),
    gradcam: z.array(gradcamEntrySchema),
    stages: z.array(stageRecordSchema),
  })
  .superRefine((model, ctx) => {
    const curves: [string[], number, (number | null)[]][] = [];
    const gan = model.training.gan;
    if (gan) {
      for (const group of ['dLoss', 'gLoss', 'mse'] as const) {
        for (const [name, values] of Object.entries(gan[group])) {
          curves.push([['training', 'gan', group, name], gan.iteration.length, values]);
        }
      }
    }
    const advd = model.training.advd;
    if (advd) {
      for (const name of ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy'] as const) {
        curves.push([['training', 'advd', name], advd.epoch.length, advd[name]]);
      }
    }
    for (const [path, expected, values] of curves) {
      if (values.length !== expected) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `expected ${expected} values (one per x value), found ${values.length}`,
          input: values.length,
        });
      }
    }
  });

export type ReportModel = z.output<typeof reportModelSchema>;
export type ReportModelInput = z.input<typeof reportModelSchema>;
export type AccuracyCell = z.output<typeof accuracyCellSchema>;
export type DefenseComparison = z.output<typeof defenseComparison>;
export type Detection = z.output<typeof detectionSchema>;
export type DataSummary = z.output<typeof dataSummarySchema>;
export type GanCurves = z.output<typeof ganCurvesSchema>;
export type AdvdCurves = z.output<typeof advdCurvesSchema>;
export type ReportImage = z.output<typeof reportImageSchema>;
export type GradcamEntry = z.output<typeof gradcamEntrySchema>;
export type StageRecord = z.output<typeof stageRecordSchema>;
