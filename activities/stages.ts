import type { StageActivityInput } from './stage-input.js';
import { runStageActivity } from './stage-activity.js';
import { runAdvdStage } from '../pipeline/stages/advd-stage.js';
import { runDefenseStage } from '../pipeline/stages/defense-stage.js';
import { runDatasetStage } from '../pipeline/stages/dataset-stage.js';
import { runEvaluationStage } from '../pipeline/stages/evaluation-stage.js';
import { runFeaturesStage } from '../pipeline/stages/features-stage.js';
import { runGanStage } from '../pipeline/stages/gan-stage.js';
import { runReportStage } from '../pipeline/stages/report-stage.js';
import { runTargetModelStage } from '../pipeline/stages/target-model-stage.js';
import { STAGES, type StageName, type StageRef } from '../pipeline/stage-ref.js';
import { InputError } from '../pipeline/input-error.js';

/** The upstream results a stage needs; the workflow passes every finished one. */
function need<S extends StageName>(input: StageActivityInput, ...stages: S[]): Record<S, StageRef> {
  const found = {} as Record<S, StageRef>;
  for (const stage of stages) {
    const ref = input.inputs[stage];
    if (!ref) throw new InputError(`stage input lacks the result of stage ${stage}`);
    found[stage] = ref;
  }
  return found;
}

export function datasetStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) =>
    runDatasetStage(ctx, config, input.force),
  );
}

export function targetModelStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) =>
    runTargetModelStage(ctx, config, need(input, 'dataset').dataset, input.force),
  );
}

export function featuresStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) =>
    runFeaturesStage(ctx, config, need(input, 'dataset', 'targetModel'), input.force),
  );
}

export function ganStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) =>
    runGanStage(ctx, config, need(input, 'dataset', 'features'), input.force),
  );
}

export function defenseStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) =>
    runDefenseStage(
      ctx,
      config,
      need(input, 'dataset', 'targetModel', 'features', 'gan'),
      input.force,
    ),
  );
}

export function advdStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) =>
    runAdvdStage(ctx, config, need(input, 'dataset', 'features', 'gan'), input.force),
  );
}

export function evaluationStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) =>
    runEvaluationStage(
      ctx,
      config,
      need(input, 'dataset', 'targetModel', 'features', 'gan', 'defense', 'advd'),
      input.force,
    ),
  );
}

export function reportStage(input: StageActivityInput): Promise<StageRef> {
  return runStageActivity(input, ({ ctx, config, input }) => {
    // Every stage before the report feeds it.
    const stages = need(input, ...(STAGES.slice(0, -1) as Exclude<StageName, 'report'>[]));
    const backend =
      typeof stages.gan.summary.backend === 'string' ? stages.gan.summary.backend : 'unknown';
    return runReportStage(
      ctx,
      config,
      {
        experimentId: input.experimentId,
        configHash: input.configHash,
        backend,
        stages,
        upstream: STAGES.flatMap((stage) => input.inputs[stage] ?? []),
      },
      input.force,
    );
  });
}
