import { z } from 'zod';

/** AdvD hyperparameters (SPEC §2.4); defaults follow the SFE authors' code. */
export const AdvdOptionsSchema = z
  .object({
    /** Hidden widths; each Dense (ReLU) is followed by BatchNorm and Dropout. */
    hidden: z.array(z.number().int().positive()).min(1).default([512, 256, 128, 64]),
    /** Dropout rate after each hidden block, one per width. */
    dropout: z.array(z.number().min(0).lt(1)).default([0.5, 0.5, 0.5, 0.25]),
    lr: z.number().positive().default(1e-4),
    momentum: z.number().min(0).max(1).default(0.9),
    nesterov: z.boolean().default(true),
    epochs: z.number().int().positive().default(25),
    batchSize: z.number().int().positive().default(256),
    validationSplit: z.number().gt(0).lt(1).default(0.2),
    /** Epochs without a better validation loss before stopping; best weights are restored. */
    patience: z.number().int().positive().default(10),
  })
  .refine((o) => o.dropout.length === o.hidden.length, {
    message: 'AdvD needs one dropout rate per hidden width',
  });
export type AdvdOptions = z.infer<typeof AdvdOptionsSchema>;
export type AdvdOptionsInput = z.input<typeof AdvdOptionsSchema>;
