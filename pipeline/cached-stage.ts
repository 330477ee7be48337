import {
  ArtifactIntegrityError,
  findDamage,
  manifestKey,
  readManifest,
  type Manifest,
} from '../store/artifact-commit.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import { canonicalJson, sha256Hex, stageKey } from '../store/content-address.js';
import { damageOf, HealFailedError } from './damaged-artifact.js';
import type { StageContext } from './stage-context.js';
import type { StageName, StageRef } from './stage-ref.js';

export interface CachedStageSpec {
  stage: StageName;
  /** This stage's part of the config: everything that changes its output. */
  config: unknown;
  inputs: readonly StageRef[];
  /** Recompute even if a committed artifact exists; the new one replaces it. */
  force: boolean;
  /** Why this stage is recomputed when its key is new, e.g. its input files changed. */
  recomputeReason?: string;
}

/** The committed manifest under `key` and, when one of its parts is altered or gone, what. */
async function committedState(
  store: ArtifactStore,
  key: string,
): Promise<{ manifest: Manifest | null; damage?: string }> {
  let manifest: Manifest | null;
  try {
    manifest = await readManifest(store, key);
  } catch (error) {
    if (error instanceof ArtifactIntegrityError) return { manifest: null, damage: error.message };
    throw error;
  }
  if (manifest === null) return { manifest };
  const damage = await findDamage(store, manifest);
  return damage === undefined ? { manifest } : { manifest, damage };
}

/** Identical content gives an identical digest, whichever attempt wrote it and when. */
export function contentDigest(manifest: Manifest): string {
  return sha256Hex(
    canonicalJson({
      parts: manifest.parts.map(({ name, size, sha256 }) => ({ name, size, sha256 })),
      metadata: manifest.metadata,
    }),
  );
}

/**
 * Step caching: a stage's artifact lives at the hash of its config, its inputs' digests and the
 * code version. A committed artifact there is reused; otherwise `compute` writes and commits it
 * under that prefix, with the figures the stage reports (its summary) as manifest metadata. A forced rerun first withdraws the old manifest, so a crash mid-rerun
 * leaves the stage uncommitted (to be computed again) rather than half replaced. A committed
 * artifact with a part altered or deleted counts as absent: it is withdrawn and recomputed
 * (`recomputed` says why), and only a failing recomputation stops the run.
 */
export async function runCachedStage(
  ctx: StageContext,
  spec: CachedStageSpec,
  compute: (prefix: string) => Promise<Manifest>,
): Promise<StageRef> {
  const key = stageKey({
    stage: spec.stage,
    config: spec.config,
    inputDigests: spec.inputs.map((input) => input.digest),
    codeVersion: ctx.codeVersion,
  });
  const { manifest: existing, damage } = await committedState(ctx.store, key);
  if (existing !== null && damage === undefined && !spec.force) {
    return {
      stage: spec.stage,
      key,
      digest: contentDigest(existing),
      cached: true,
      seconds: 0,
      summary: existing.metadata,
    };
  }
  if (existing !== null || damage !== undefined) await ctx.store.delete(manifestKey(key));
  if (damage !== undefined)
    ctx.log(`${spec.stage}: cached artifact damaged (${damage}); recomputing`);
  const started = performance.now();
  let manifest: Manifest;
  try {
    manifest = await compute(key);
  } catch (error) {
    // Damage upstream is the workflow's to mend; anything else means healing failed.
    if (damage !== undefined && damageOf(error) === undefined) {
      throw new HealFailedError(spec.stage, damage, error);
    }
    throw error;
  }
  const recomputed =
    damage !== undefined ? `its cached artifact was damaged: ${damage}` : spec.recomputeReason;
  return {
    stage: spec.stage,
    key,
    digest: contentDigest(manifest),
    cached: false,
    seconds: (performance.now() - started) / 1000,
    summary: manifest.metadata,
    ...(recomputed !== undefined && !spec.force ? { recomputed } : {}),
  };
}
