import * as z from 'zod';

/** `ood`: ImageNet-O images; `in-distribution`: benign images of the ImageNet-O classes, the
 * reference set of the OOD evaluation (SPEC §2.5), kept apart from the pairs. */
export const ROLES = ['benign', 'adversarial', 'ood', 'in-distribution'] as const;
export type Role = (typeof ROLES)[number];
export const SPLITS = ['train', 'test'] as const;
export type Split = (typeof SPLITS)[number];

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

export const augmentationOpSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('flip') }),
  /** Keeps `fraction` of each side at (left, top) as fractions of the image, resized back. */
  z.strictObject({
    kind: z.literal('crop'),
    fraction: z.number().gt(0).max(1),
    left: z.number().min(0).max(1),
    top: z.number().min(0).max(1),
  }),
  z.strictObject({ kind: z.literal('rotate'), degrees: z.number() }),
  z.strictObject({ kind: z.literal('brightness'), factor: z.number().positive() }),
  /** An L∞ attack against the target model (`data.adversarialFrom: attack`); ε as in the config. */
  z.strictObject({
    kind: z.literal('attack'),
    method: z.enum(['fgsm', 'pgd']),
    epsilon: z.number().positive(),
    steps: z.number().int().positive(),
  }),
]);
export type AugmentationOp = z.infer<typeof augmentationOpSchema>;

export const manifestEntrySchema = z.strictObject({
  /** Stable id: derived from class, role and content (originals) or from the original's id and
   * the copy number (augmented copies). */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  /** A file path, `tar:///abs/archive.tar#member`, `s3://bucket/key` or `file:///…` (augmented
   * copies, written to the artifact store). */
  uri: z.string().min(1),
  wnid: z.string().regex(/^n\d{8}$/),
  /** Index in the 1000-way ImageNet output (`data/imagenet_class_index.json`). */
  classIndex: z.number().int().min(0).max(999),
  role: z.enum(ROLES),
  split: z.enum(SPLITS),
  sha256: sha256Schema,
  /** 128-bit difference hash (32 hex digits, `perceptual-hash.ts`) for the near-duplicate audit. */
  dhash: z.string().regex(/^[0-9a-f]{32}$/),
  /** Benign and adversarial images of one pair share it; null for the ImageNet-O sets. */
  pairId: z.string().nullable(),
  augmentation: z.strictObject({ of: z.string(), op: augmentationOpSchema }).nullable(),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const problemSchema = z.strictObject({ uri: z.string(), reason: z.string() });
export type Problem = z.infer<typeof problemSchema>;

const countsSchema = z.record(z.string(), z.number().int().nonnegative());

export const manifestSummarySchema = z.strictObject({
  entries: z.number().int().nonnegative(),
  /** `wnid` → entries. */
  perClass: countsSchema,
  perRole: countsSchema,
  perSplit: countsSchema,
  /** `role/split` → entries, e.g. `adversarial/test`. */
  perRoleSplit: countsSchema,
  problems: z.number().int().nonnegative(),
});
export type ManifestSummary = z.infer<typeof manifestSummarySchema>;

export const manifestSchema = z.strictObject({
  version: z.literal(1),
  protocol: z.enum(['leak-free', 'paper']),
  entries: z.array(manifestEntrySchema),
  problems: z.array(problemSchema),
  summary: manifestSummarySchema,
});
export type Manifest = z.infer<typeof manifestSchema>;

export function summarize(entries: readonly ManifestEntry[], problems: number): ManifestSummary {
  const perClass: Record<string, number> = {};
  const perRole: Record<string, number> = {};
  const perSplit: Record<string, number> = {};
  const perRoleSplit: Record<string, number> = {};
  const bump = (counts: Record<string, number>, key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const e of entries) {
    bump(perClass, e.wnid);
    bump(perRole, e.role);
    bump(perSplit, e.split);
    bump(perRoleSplit, `${e.role}/${e.split}`);
  }
  return { entries: entries.length, perClass, perRole, perSplit, perRoleSplit, problems };
}

export function makeManifest(
  protocol: Manifest['protocol'],
  entries: ManifestEntry[],
  problems: Problem[],
): Manifest {
  return {
    version: 1,
    protocol,
    entries,
    problems,
    summary: summarize(entries, problems.length),
  };
}
