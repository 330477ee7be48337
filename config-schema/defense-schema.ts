import * as z from 'zod';
import { DEFENSE_MODULES, ModuleTrainingOptionsSchema } from '../ml/defense/defense-options.js';
import { positiveInt, seedSchema } from './primitives.js';

/**
 * The module the evaluation inserts before the frozen head for its "defended" figures. `sfe-pg`
 * (the default) is the GAN's PG as it is; the others are trained through the head with the
 * training options (ml/defense/defense-options.ts, one source of truth), which `sfe-pg` ignores.
 * Detection always uses the SFE GAN: AdvD needs both PG and NG.
 */
export const defenseSchema = ModuleTrainingOptionsSchema.extend({
  module: z.enum(DEFENSE_MODULES).default('sfe-pg'),
  /** Epochs between checkpoints: a crash loses at most this much training. */
  checkpointEvery: positiveInt.default(1),
  /** Defaults to the experiment's `seed`. */
  seed: seedSchema.optional(),
}).strict();

export type DefenseConfig = z.output<typeof defenseSchema>;
