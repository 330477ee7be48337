import { readManifest, manifestKey, type Manifest } from '../store/artifact-commit.js';
import { canonicalJson, sha256Hex, stageKey } from '../store/content-address.js';
import type { StageContext } from './stage-context.js';
import type { StageName, StageRef } from './stage-ref.js';

export interface CachedStageSpec {
  stage: StageName;
  /** This stage's part of the config: everything that changes its output. */
  config: unknown;
  inputs: readonly StageRef[];
  /** Recompute even if a committed artifact exists; the new one replaces it. */
  force: boolean;
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
 * leaves the stage uncommitted (to be computed again) rather than half replaced.
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
  const existing = await readManifest(ctx.store, key);
  if (existing !== null && !spec.force) {
    return {
      stage: spec.stage,
      key,
      digest: contentDigest(existing),
      cached: true,
      seconds: 0,
      summary: existing.metadata,
    };
  }
  if (existing !== null) await ctx.store.delete(manifestKey(key));
  const started = performance.now();
  const manifest = await compute(key);
  return {
    stage: spec.stage,
    key,
    digest: contentDigest(manifest),
    cached: false,
    seconds: (performance.now() - started) / 1000,
    summary: manifest.metadata,
  };
}
