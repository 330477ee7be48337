import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { loadAdvd, saveAdvd } from '../../ml/advd/advd-artifact.js';
import { advdInput } from '../../ml/advd/advd-input.js';
import { AdvdOptionsSchema, type AdvdOptions } from '../../ml/advd/advd-options.js';
import { trainAdvd, type AdvdEpoch } from '../../ml/advd/train-advd.js';
import { commitArtifact } from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { ReportModelInput } from '../../report/report-model.js';
import { committedManifest, jsonPart, readJsonPart } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import { gatherFeatures, readFeatureTable, rowsOf } from '../feature-table.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { readDatasetManifest } from './dataset-stage.js';
import { loadGenerators } from './gan-stage.js';

const MODEL_PREFIX = 'model';
const HISTORY_PART = 'history.json';

function advdOptionsOf(config: ExperimentConfig): AdvdOptions {
  const a = config.advd;
  return AdvdOptionsSchema.parse({
    hidden: a.layers,
    dropout: a.dropout,
    lr: a.lr,
    momentum: a.momentum,
    nesterov: a.nesterov,
    epochs: a.epochs,
    batchSize: a.batchSize,
    validationSplit: a.validationFraction,
    patience: a.patience,
  });
}

/** Stage 5 (SPEC §2.4): the detector on [PG(f(x)) ‖ NG(f(x))] of the training split. */
export function runAdvdStage(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: { dataset: StageRef; features: StageRef; gan: StageRef },
  force: boolean,
): Promise<StageRef> {
  return runCachedStage(
    ctx,
    {
      stage: 'advd',
      config: config.advd,
      inputs: [inputs.dataset, inputs.features, inputs.gan],
      force,
    },
    async (prefix) => {
      const table = await readFeatureTable(ctx.store, inputs.features);
      const entries = (await readDatasetManifest(ctx.store, inputs.dataset)).entries.filter(
        (e) => e.split === 'train' && (e.role === 'benign' || e.role === 'adversarial'),
      );
      const kept = rowsOf(table, entries);
      const labels = kept.entries.map((e) => (e.role === 'adversarial' ? 1 : 0));
      if (!labels.includes(0) || !labels.includes(1)) {
        throw new InputError('AdvD needs benign and adversarial training images with features');
      }
      const gans = await loadGenerators(ctx.store, inputs.gan);
      const features = gatherFeatures(table, kept.rows);
      const x = advdInput(gans.pg, gans.ng, features);
      features.dispose();
      gans.dispose();
      const options = advdOptionsOf(config);
      try {
        const result = await trainAdvd(x, labels, options, config.advd.seed);
        try {
          // The model goes to its own sub-artifact; this stage's manifest commits last, over it.
          const modelPrefix = `${prefix}/${MODEL_PREFIX}`;
          await saveAdvd(ctx.store, modelPrefix, result.detector, options);
          const best = result.history[result.bestEpoch - 1];
          return await commitArtifact(ctx.store, prefix, [jsonPart(HISTORY_PART, result.history)], {
            trainImages: labels.length,
            stoppedEpoch: result.stoppedEpoch,
            earlyStopped: result.earlyStopped,
            bestEpoch: result.bestEpoch,
            bestValLoss: best?.valLoss ?? 0,
            bestValAccuracy: best?.valAccuracy ?? 0,
          });
        } finally {
          result.detector.dispose();
        }
      } finally {
        x.dispose();
      }
    },
  );
}

export interface Detector {
  /** Adversarial probability per row of PG(f) ‖ NG(f). */
  score(pg: tf.Tensor2D, ng: tf.Tensor2D): tf.Tensor1D;
  dispose(): void;
}

export async function loadDetector(store: ArtifactStore, ref: StageRef): Promise<Detector> {
  const detector = await loadAdvd(store, `${ref.key}/${MODEL_PREFIX}`);
  return {
    score: (pg, ng) =>
      tf.tidy(() => {
        const x = tf.concat2d([pg, ng], 1);
        const out = detector.model.predict(detector.standardizer.apply(x)) as tf.Tensor2D;
        return out.reshape([-1]) as tf.Tensor1D;
      }),
    dispose: () => detector.dispose(),
  };
}

export async function readAdvdHistory(
  store: ArtifactStore,
  ref: StageRef,
): Promise<NonNullable<ReportModelInput['training']['advd']>> {
  const history = (await readJsonPart(
    store,
    await committedManifest(store, ref.key),
    HISTORY_PART,
  )) as AdvdEpoch[];
  return {
    epoch: history.map((h) => h.epoch),
    trainLoss: history.map((h) => h.loss),
    valLoss: history.map((h) => h.valLoss),
    trainAccuracy: history.map((h) => h.accuracy),
    valAccuracy: history.map((h) => h.valAccuracy),
  };
}
