import * as z from 'zod';
import { stageNameSchema, stageRefSchema } from '../pipeline/stage-ref.js';

/**
 * What every stage activity takes. The config travels resolved (defaults and seeds filled in),
 * and the activity parses it again: a payload that does not match fails without retries.
 */
export const stageActivityInputSchema = z.object({
  experimentId: z.string().min(1),
  configHash: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  /** Finished upstream stages by name; each stage reads the ones it needs. */
  inputs: z.partialRecord(stageNameSchema, stageRefSchema),
  force: z.boolean(),
});
export type StageActivityInput = z.infer<typeof stageActivityInputSchema>;
