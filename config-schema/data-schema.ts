import * as z from 'zod';
import { DEMO_SHAPES } from '../dataset/demo-shapes.js';
import { AttackOptionsSchema } from '../ml/attacks/attack-options.js';
import {
  addProblem,
  locationSchema,
  positiveInt,
  probability,
  seedSchema,
  uriScheme,
  wnidSchema,
} from './primitives.js';

/** Named class lists, resolved to wnids by `resolveClasses` (dataset/imagenet-classes.ts): a
 * name keeps the resolved config readable where 200 wnids would not be. */
export const CLASS_SETS = ['imagenet-a', 'imagenet-o'] as const;
export type ClassSetName = (typeof CLASS_SETS)[number];

export const classSelectionSchema = z.union([z.enum(CLASS_SETS), z.array(wnidSchema).min(2)]);
export type ClassSelection = z.infer<typeof classSelectionSchema>;

/**
 * Real images (SPEC §2.1): ImageNet-A layout `<root>/<wnid>/*.jpg` for the adversarial set,
 * ImageNet images of the same wnids for the benign set. `kind` says how every root is read:
 * a folder, a tar archive, or an s3:// prefix.
 */
export const imageDataSchema = z.strictObject({
  kind: z.enum(['folder', 'tar', 's3']),
  /** Absent when `adversarialFrom` is `filtration` or `attack`. */
  adversarialRoot: locationSchema.optional(),
  benignRoot: locationSchema,
  /** ImageNet-O images; its in-distribution set is taken from `benignRoot` (ImageNet val in
   * wnid folders holds all 1000 classes). */
  imagenetORoot: locationSchema.optional(),
  /**
   * `root`: the adversarial images are the ones under `adversarialRoot`. `filtration`: they are
   * the benign images that the target model misclassifies — how ImageNet-A itself was built,
   * for data sets that have no adversarial counterpart. `attack`: they are the benign photos
   * perturbed by FGSM or PGD against the target model (`attack`), each paired with its original.
   */
  adversarialFrom: z.enum(['root', 'filtration', 'attack']).default('root'),
  /** Only read when `adversarialFrom` is `filtration`. */
  filtration: z
    .strictObject({
      /**
       * Candidate views per benign photo: the photo itself and `views − 1` seeded crops, flips,
       * rotations and brightness changes. Views the target model gets wrong become adversarial
       * images, the others their benign partners; a data set of one photo per class needs
       * several views for a class to have both.
       */
      views: positiveInt.max(64).default(8),
    })
    .prefault({}),
  /**
   * Only read when `adversarialFrom` is `attack`: an L∞ attack on the model's view of each photo.
   * `epsilon` and `stepSize` are fractions of the 0–255 pixel range (8/255 ≈ 0.0314), rounded
   * down to whole levels; `steps` and `stepSize` are PGD's.
   */
  attack: AttackOptionsSchema.extend({
    /**
     * Benign images per photo: the photo and `views − 1` seeded views as filtration draws them,
     * each attacked. A per-class split needs two pairs a class, so one photo per class needs 2.
     */
    views: positiveInt.max(64).default(1),
  }).prefault({}),
  classes: classSelectionSchema.default('imagenet-a'),
  sampling: z
    .strictObject({
      /** Defaults to the experiment's `seed`. */
      seed: seedSchema.optional(),
      /** Images drawn per class and role; absent means every image. */
      imagesPerClass: positiveInt.optional(),
      /** Fewer usable images than this in a class fails the data set: a per-class split
       * needs at least one training and one test image. */
      minImagesPerClass: positiveInt.min(2).default(2),
    })
    .prefault({}),
});

/**
 * The procedurally generated demo world (issue 6): in benign images a trivial cue (background)
 * goes with the class; in adversarial images the object is the same but the cue misleads.
 */
export const demoDataSchema = z.strictObject({
  kind: z.literal('demo'),
  /** Object classes, one shape each. */
  classes: positiveInt.min(2).max(DEMO_SHAPES.length).default(4),
  imageSize: positiveInt.min(16).max(1024).default(32),
  /** Share of benign images whose cue matches their class; adversarial cues always mislead. */
  cueAgreement: probability.default(0.9),
  sampling: z
    .strictObject({
      /** Defaults to the experiment's `seed`; it generates the whole world. */
      seed: seedSchema.optional(),
      /** Images generated per class and role. */
      imagesPerClass: positiveInt.min(2).default(40),
    })
    .prefault({}),
});

export const dataSchema = z
  .discriminatedUnion('kind', [imageDataSchema, demoDataSchema])
  .superRefine((data, ctx) => {
    if (data.kind === 'demo') return;
    if (data.adversarialFrom === 'root' && data.adversarialRoot === undefined) {
      addProblem(
        ctx,
        ['adversarialRoot'],
        'expected the adversarial image root (required when adversarialFrom is "root")',
        undefined,
      );
    }
    const made = data.adversarialFrom !== 'root';
    if (made && data.adversarialRoot !== undefined) {
      addProblem(
        ctx,
        ['adversarialRoot'],
        `expected no adversarialRoot when adversarialFrom is "${data.adversarialFrom}"`,
        data.adversarialRoot,
      );
    }
    if (made && data.imagenetORoot !== undefined) {
      addProblem(
        ctx,
        ['imagenetORoot'],
        `expected no imagenetORoot when adversarialFrom is "${data.adversarialFrom}" (its in-distribution set would be the images it makes)`,
        data.imagenetORoot,
      );
    }
    if (
      data.adversarialFrom === 'attack' &&
      data.attack.method === 'pgd' &&
      data.attack.stepSize > data.attack.epsilon
    ) {
      addProblem(
        ctx,
        ['attack', 'stepSize'],
        `expected a step size of at most epsilon (${data.attack.epsilon})`,
        data.attack.stepSize,
      );
    }
    for (const field of ['adversarialRoot', 'benignRoot', 'imagenetORoot'] as const) {
      const root = data[field];
      if (root === undefined) continue;
      const problem = rootKindProblem(data.kind, root);
      if (problem) addProblem(ctx, [field], problem, root);
    }
  });

const TAR_NAME = /\.(tar|tar\.gz|tgz)$/i;

function rootKindProblem(kind: 'folder' | 'tar' | 's3', root: string): string | undefined {
  const scheme = uriScheme(root);
  if (kind === 's3') {
    return scheme === 's3' ? undefined : 'expected an s3://BUCKET/PREFIX URI (data.kind is s3)';
  }
  const local = kind === 'tar' ? 'a local .tar, .tar.gz or .tgz archive' : 'a local folder';
  if (scheme !== undefined && scheme !== 'file') {
    return `expected ${local} (data.kind is ${kind}; use kind s3 for s3:// roots)`;
  }
  return kind === 'tar' && !TAR_NAME.test(root)
    ? `expected ${local} (data.kind is tar)`
    : undefined;
}

export type DataConfig = z.output<typeof dataSchema>;
