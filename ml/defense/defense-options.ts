import { z } from 'zod';

/**
 * The modules a defense may insert before the frozen head: the SFE generator PG as the GAN trained
 * it, PG fine-tuned through the head, or one of the follow-up work's modules (its
 * "transfer-learning-based modular defense") trained through the head from scratch.
 */
export const DEFENSE_MODULES = ['sfe-pg', 'sfe-pg-finetuned', 'autoencoder', 'one-layer'] as const;
export type DefenseModuleKind = (typeof DEFENSE_MODULES)[number];

/** Supervised training through the frozen head; defaults follow the follow-up work. */
export const ModuleTrainingOptionsSchema = z.object({
  /** Epochs on benign training features, then on adversarial ones. */
  benignEpochs: z.number().int().nonnegative().default(5),
  adversarialEpochs: z.number().int().nonnegative().default(10),
  lr: z.number().positive().default(1e-4),
  batchSize: z.number().int().positive().default(64),
  /** Weights of MSE(module(f), f) and cross-entropy(head(module(f)), label); equal in the paper. */
  mseWeight: z.number().nonnegative().default(1),
  crossEntropyWeight: z.number().nonnegative().default(1),
});
export type ModuleTrainingOptions = z.infer<typeof ModuleTrainingOptionsSchema>;
export type ModuleTrainingOptionsInput = z.input<typeof ModuleTrainingOptionsSchema>;
