import { z } from 'zod';

/** SFE coupled-GAN hyperparameters (SPEC §2.3); defaults follow the SFE authors' code. */
export const GanOptionsSchema = z.object({
  /** Generator hidden widths; each Dense is followed by LeakyReLU and BatchNorm. */
  hidden: z.array(z.number().int().positive()).min(1).default([256, 512, 1024]),
  leakyAlpha: z.number().nonnegative().default(0.2),
  bnMomentum: z.number().min(0).max(1).default(0.8),
  /** Discriminator hidden widths; each Dense is followed by LeakyReLU. */
  discriminatorHidden: z.array(z.number().int().positive()).min(1).default([512, 256]),
  lr: z.number().positive().default(1e-5),
  beta1: z.number().min(0).max(1).default(0.5),
  beta2: z.number().min(0).max(1).default(0.999),
  batchSize: z.number().int().positive().default(64),
  iterations: z.number().int().nonnegative().default(25_000),
  mseWeight: z.number().nonnegative().default(0.999),
  advWeight: z.number().nonnegative().default(0.001),
  /** `shared`: one D for PG and NG (the paper's text); `separate`: one each (authors' code). */
  discriminator: z.enum(['shared', 'separate']).default('separate'),
});
export type GanOptions = z.infer<typeof GanOptionsSchema>;
export type GanOptionsInput = z.input<typeof GanOptionsSchema>;
