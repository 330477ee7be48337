import * as z from 'zod';

/** The stages of one experiment, in the order they run (SPEC §2). */
export const STAGES = [
  'dataset',
  'targetModel',
  'features',
  'gan',
  'defense',
  'advd',
  'evaluation',
  'report',
] as const;
export const stageNameSchema = z.enum(STAGES);
export type StageName = z.infer<typeof stageNameSchema>;

/** What a finished stage hands to the next: where its artifact is and what it contains. */
export const stageRefSchema = z.object({
  stage: stageNameSchema,
  /** The artifact's prefix in the store; its committed manifest is `<key>/MANIFEST.json`. */
  key: z.string().min(1),
  /** sha256 of the artifact's content (part digests and metadata): the next stages' cache input. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** True when a committed artifact was found and nothing was computed. */
  cached: z.boolean(),
  /** Wall time of this stage's work in this attempt (0 when cached). */
  seconds: z.number().nonnegative(),
  /** The artifact's manifest metadata: small figures for progress lines and the report. */
  summary: z.record(z.string(), z.json()),
  /** Why a stage that had a cached result was computed again (a damaged artifact, changed files). */
  recomputed: z.string().optional(),
});
export type StageRef = z.infer<typeof stageRefSchema>;

/** The stages downstream of `stage`, itself included: what `--force stage` reruns. */
export function stagesFrom(stage: StageName): StageName[] {
  return STAGES.slice(STAGES.indexOf(stage));
}
