import * as z from 'zod';
import type { ArtifactStore } from '../../store/artifact-store.js';

/** One trial at one resource level (the full budget, or a rung of successive halving). */
export const rungRecordSchema = z.object({
  index: z.number().int().nonnegative(),
  experimentId: z.string().min(1),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** The resource the trial ran to (GAN iterations); null when the sweep does not stop early. */
  resource: z.number().int().positive().nullable(),
  status: z.enum(['completed', 'failed']),
  objective: z.number().nullable(),
  /** k of n behind an accuracy objective; absent for other metrics and older records. */
  objectiveCount: z
    .object({ correct: z.number().int().nonnegative(), total: z.number().int().positive() })
    .nullable()
    .optional(),
  reportKey: z.string().nullable(),
  error: z.string().nullable(),
  /** Wall time of the trial's experiment (start to close), for makespan and scaling figures. */
  startedAt: z.string(),
  closedAt: z.string(),
});
export type RungRecord = z.infer<typeof rungRecordSchema>;

function recordKey(sweepId: string, index: number, resource: number | null): string {
  return `sweeps/${sweepId}/trials/${String(index).padStart(4, '0')}${resource === null ? '' : `@${resource}`}.json`;
}

/**
 * Finished trials are written to the store as they end, so a relaunched or continued-as-new
 * sweep knows them without asking Temporal, and reruns only what did not finish.
 */
export async function saveRungRecord(
  store: ArtifactStore,
  sweepId: string,
  record: RungRecord,
): Promise<void> {
  await store.put(
    recordKey(sweepId, record.index, record.resource),
    new TextEncoder().encode(JSON.stringify(record)),
  );
}

export async function loadRungRecords(
  store: ArtifactStore,
  sweepId: string,
): Promise<RungRecord[]> {
  const records: RungRecord[] = [];
  for (const key of await store.list(`sweeps/${sweepId}/trials/`)) {
    records.push(
      rungRecordSchema.parse(JSON.parse(new TextDecoder().decode(await store.get(key)))),
    );
  }
  return records;
}

export function sweepReportKey(sweepId: string): string {
  return `sweeps/${sweepId}/report.html`;
}
