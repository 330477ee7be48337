import * as z from 'zod';
import { addProblem, openFraction, positiveInt, seedSchema } from './primitives.js';

/** SPEC §2.1: per-class split by original image; `paper` reproduces the seed paper's leak. */
export const splitSchema = z
  .strictObject({
    /**
     * `leak-free`: split each class by original image, then augment the training split only.
     * `paper`: augment first, then split the shuffled copies, as the seed paper's code does, so
     * test images include augmented copies of training images. Kept to measure that leak.
     */
    protocol: z.enum(['leak-free', 'paper']).default('leak-free'),
    trainFraction: openFraction.default(0.8),
    /** Defaults to the experiment's `seed`. */
    seed: seedSchema.optional(),
    augmentation: z
      .strictObject({
        // The SFE authors' code augments, and defaults follow it.
        enabled: z.boolean().default(true),
        /** How many images each original becomes (the paper: 528 originals → 2640 images). */
        copies: positiveInt.default(5),
      })
      .prefault({}),
  })
  .superRefine((split, ctx) => {
    if (split.protocol === 'paper' && !split.augmentation.enabled) {
      addProblem(
        ctx,
        ['augmentation', 'enabled'],
        'expected true (the paper protocol augments before splitting)',
        split.augmentation.enabled,
      );
    }
    if (split.protocol === 'paper' && split.augmentation.copies < 2) {
      addProblem(
        ctx,
        ['augmentation', 'copies'],
        'expected at least 2 (the paper protocol needs copies to split)',
        split.augmentation.copies,
      );
    }
  });

export type SplitConfig = z.output<typeof splitSchema>;
