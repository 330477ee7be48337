import { z } from 'zod';

/**
 * L∞ perturbation attacks on pixels: FGSM (one signed-gradient step of size ε) or PGD (`steps`
 * signed steps of `stepSize`, each projected back into the ε-ball). ε and the step size are
 * fractions of the 0–255 pixel range, as the literature writes them (8/255).
 */
export const AttackOptionsSchema = z.strictObject({
  method: z.enum(['fgsm', 'pgd']).default('pgd'),
  epsilon: z
    .number()
    .positive()
    .max(1)
    .default(8 / 255),
  /** PGD only. */
  steps: z.number().int().positive().max(1000).default(10),
  /** PGD only. */
  stepSize: z
    .number()
    .positive()
    .max(1)
    .default(2 / 255),
});
export type AttackOptions = z.output<typeof AttackOptionsSchema>;
export type AttackOptionsInput = z.input<typeof AttackOptionsSchema>;
