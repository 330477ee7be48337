import * as z from 'zod';
import {
  addProblem,
  dropoutRate,
  layerWidths,
  openFraction,
  positiveInt,
  positiveNumber,
  seedSchema,
} from './primitives.js';

/** The adversarial detector (SPEC §2.4): Dense+ReLU+BatchNorm+Dropout blocks, then a sigmoid. */
export const advdSchema = z
  .strictObject({
    layers: layerWidths.default([512, 256, 128, 64]),
    /** One rate per entry of `layers`. */
    dropout: z.array(dropoutRate).min(1).default([0.5, 0.5, 0.5, 0.25]),
    lr: positiveNumber.default(1e-4),
    momentum: z.number().min(0).lt(1).default(0.9),
    nesterov: z.boolean().default(true),
    epochs: positiveInt.default(25),
    batchSize: positiveInt.default(256),
    validationFraction: openFraction.default(0.2),
    /** Epochs without a better validation loss before training stops early. */
    patience: positiveInt.default(10),
    /** Defaults to the experiment's `seed`. */
    seed: seedSchema.optional(),
  })
  .superRefine((advd, ctx) => {
    if (advd.dropout.length !== advd.layers.length) {
      addProblem(
        ctx,
        ['dropout'],
        `expected ${advd.layers.length} rates, one per entry of advd.layers`,
        advd.dropout,
      );
    }
  });

export type AdvdConfig = z.output<typeof advdSchema>;
