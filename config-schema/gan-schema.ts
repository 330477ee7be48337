import * as z from 'zod';
import { GanOptionsSchema } from '../ml/gan/gan-options.js';
import { positiveInt, seedSchema } from './primitives.js';

/**
 * The SFE coupled GAN (SPEC §2.3): the trainer's own hyperparameters (ml/gan/gan-options.ts,
 * one source of truth) plus what the pipeline around it needs. Its `discriminator` defaults to
 * `separate`, the SFE authors' code, because SPEC §2 takes every default from that code; the
 * paper's text describes `shared`.
 */
export const ganSchema = GanOptionsSchema.extend({
  /** Iterations between checkpoints: a crash loses at most this much training. */
  checkpointEvery: positiveInt.default(1000),
  /** Defaults to the experiment's `seed`. */
  seed: seedSchema.optional(),
}).strict();

export type GanConfig = z.output<typeof ganSchema>;
