import { ArtifactIntegrityError } from '../store/artifact-commit.js';
import { ArtifactNotFoundError } from '../store/artifact-store.js';
import { stageNameSchema, type StageName } from './stage-ref.js';

/**
 * The stage whose output a store key belongs to: its own artifact (`stages/<stage>/…`) or the
 * demo world the dataset stage publishes (`demo-worlds/…`). Recomputing that stage rewrites it.
 */
export function producerOf(key: string): StageName | undefined {
  if (key.startsWith('demo-worlds/')) return 'dataset';
  const stage = /^stages\/([^/]+)\//.exec(key)?.[1];
  const parsed = stageNameSchema.safeParse(stage);
  return parsed.success ? parsed.data : undefined;
}

export interface Damage {
  /** The stage that produced the damaged object and would write it again. */
  stage: StageName;
  problem: string;
}

/** A stored object some stage produced is altered or gone: what recomputing which stage mends. */
export function damageOf(error: unknown): Damage | undefined {
  if (!(error instanceof ArtifactIntegrityError || error instanceof ArtifactNotFoundError)) {
    return undefined;
  }
  const stage = producerOf(error.key);
  return stage === undefined ? undefined : { stage, problem: error.message };
}

/** Recomputing a stage whose cached artifact was damaged failed: retrying will not mend it. */
export class HealFailedError extends Error {
  constructor(stage: StageName, damage: string, cause: unknown) {
    super(
      `the cached artifact of stage ${stage} was damaged (${damage}) and recomputing it failed: ` +
        `${cause instanceof Error ? cause.message : String(cause)}; rerun with --force ${stage}`,
    );
    this.name = 'HealFailedError';
  }
}
