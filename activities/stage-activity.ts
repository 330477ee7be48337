import { ApplicationFailure, Context } from '@temporalio/activity';
import { ConfigError } from '../config-schema/config-error.js';
import { parseConfig } from '../config-schema/load-config.js';
import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import { InputError } from '../pipeline/input-error.js';
import { damageOf, HealFailedError } from '../pipeline/damaged-artifact.js';
import { permanentStoreProblem } from '../store/store-errors.js';
import { DAMAGED_ARTIFACT } from '../workflows/failure-types.js';
import type { StageContext, StageProgress } from '../pipeline/stage-context.js';
import type { StageRef } from '../pipeline/stage-ref.js';
import { openStore } from '../store/open-store.js';
import { CODE_VERSION } from '../pipeline/code-version.js';
import { stageActivityInputSchema, type StageActivityInput } from './stage-input.js';

/** Heartbeats are throttled: a training reports every iteration, the server needs far fewer. */
const HEARTBEAT_EVERY_MS = 2000;

export interface StageRun {
  ctx: StageContext;
  config: ExperimentConfig;
  input: StageActivityInput;
  /** The progress the previous attempt last heartbeated (its checkpoint), if this is a retry. */
  previous: StageProgress | undefined;
}

function heartbeatingContext(config: ExperimentConfig): StageContext {
  const activity = Context.current();
  let lastBeat = 0;
  let lastProgress: StageProgress | undefined;
  return {
    store: openStore(config.storage.uri),
    codeVersion: CODE_VERSION,
    signal: activity.cancellationSignal,
    log: (line) => activity.log.info(line),
    progress(progress) {
      const now = Date.now();
      // A new checkpoint is always sent: it is what a retry resumes from.
      const newCheckpoint = progress.checkpointKey !== lastProgress?.checkpointKey;
      lastProgress = progress;
      if (newCheckpoint || now - lastBeat >= HEARTBEAT_EVERY_MS) {
        lastBeat = now;
        activity.heartbeat(progress);
      }
    },
  };
}

function toFailure(err: unknown): unknown {
  if (err instanceof InputError || err instanceof ConfigError || err instanceof HealFailedError) {
    return ApplicationFailure.nonRetryable(err.message, err.name);
  }
  const damage = damageOf(err);
  if (damage !== undefined) {
    return ApplicationFailure.create({
      message: `the artifact of stage ${damage.stage} is damaged: ${damage.problem}`,
      type: DAMAGED_ARTIFACT,
      nonRetryable: true,
      details: [damage.stage],
    });
  }
  const permanent = permanentStoreProblem(err);
  if (permanent !== undefined) return ApplicationFailure.nonRetryable(permanent, 'StoreError');
  return err;
}

/** Parses the payload, builds the stage's context, and sorts failures into retryable or not. */
export async function runStageActivity(
  rawInput: unknown,
  body: (run: StageRun) => Promise<StageRef>,
): Promise<StageRef> {
  const parsed = stageActivityInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid stage input: ${parsed.error.message}`,
      'InputError',
    );
  }
  try {
    const config = parseConfig(parsed.data.config, `experiment ${parsed.data.experimentId}`);
    const previous = Context.current().info.heartbeatDetails as StageProgress | undefined;
    return await body({ ctx: heartbeatingContext(config), config, input: parsed.data, previous });
  } catch (err) {
    throw toFailure(err);
  }
}
