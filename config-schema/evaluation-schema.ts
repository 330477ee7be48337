import * as z from 'zod';
import { layerName, nonNegativeInt, openFraction } from './primitives.js';

/** SPEC §2.5: accuracy, detection, optional ImageNet-O, Grad-CAM. */
export const evaluationSchema = z.strictObject({
  detection: z
    .strictObject({
      /** AdvD scores at or above this count as adversarial. */
      threshold: openFraction.default(0.5),
      /** The false-positive rate at which the true-positive rate is reported. */
      tprAtFpr: openFraction.default(0.05),
    })
    .prefault({}),
  imagenetO: z
    .strictObject({
      /** Needs data.imagenetORoot. */
      enabled: z.boolean().default(false),
      /** The true-positive rate at which the false-positive rate is reported (FPR95). */
      fprAtTpr: openFraction.default(0.95),
    })
    .prefault({}),
  gradcam: z
    .strictObject({
      /** Test images shown before and after the defense; 0 turns Grad-CAM off. */
      count: nonNegativeInt.default(8),
      /** Absent means the target model's last convolutional layer. */
      layer: layerName.optional(),
    })
    .prefault({}),
});

export type EvaluationConfig = z.output<typeof evaluationSchema>;
