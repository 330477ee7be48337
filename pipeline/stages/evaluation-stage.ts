import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { classSetWnids } from '../../dataset/imagenet-classes.js';
import type { ManifestEntry } from '../../dataset/manifest.js';
import { withConvGradientBackend } from '../../ml/conv-gradient-backend.js';
import { buildGradCamModel, gradCam } from '../../ml/gradcam/gradcam.js';
import { renderGradCamOverlay } from '../../ml/gradcam/overlay.js';
import { decodeForModel } from '../../ml/images/decode-image.js';
import { loadImageBatch } from '../../ml/images/load-image-batch.js';
import { createSourceReader } from '../../ml/images/read-source.js';
import { top1Accuracy } from '../../ml/metrics/accuracy.js';
import { fitLinearProbe, probeAccuracy } from '../../ml/metrics/linear-probe.js';
import { averagePrecision } from '../../ml/metrics/average-precision.js';
import { detectionAccuracy } from '../../ml/metrics/detection-accuracy.js';
import { auroc, fprAtTpr, rocCurve, tprAtFpr } from '../../ml/metrics/roc.js';
import { splitModel } from '../../ml/models/split-model.js';
import type { ReportModelInput } from '../../report/report-model.js';
import { commitArtifact, type ArtifactPart } from '../../store/artifact-commit.js';
import { jsonPart } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import { gatherFeatures, readFeatureTable, rowsOf, type FeatureTable } from '../feature-table.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { loadDetector } from './advd-stage.js';
import { readDatasetManifest } from './dataset-stage.js';
import { loadGenerators, type TrainedGenerators } from './gan-stage.js';
import { imagePipelineOf } from '../model-image-pipeline.js';
import { loadTargetModel, type TargetModel } from './target-model-stage.js';

export const EVALUATION_PART = 'evaluation.json';
/** Grad-CAM overlays are drawn at least this large, however small the model input. */
const MIN_OVERLAY_SIZE = 160;
/** Rows per forward pass of the head. */
const BATCH = 512;

export interface Evaluation {
  accuracy: ReportModelInput['accuracy'];
  /** Absent in artifacts written before it was added. */
  fit?: ReportModelInput['fit'];
  /** Absent in artifacts written before it was added. */
  probe?: ReportModelInput['probe'];
  detection: ReportModelInput['detection'];
  imagenetO?: ReportModelInput['imagenetO'];
  gradcam: {
    imageId: string;
    label: string;
    predictedBefore: string;
    predictedAfter: string;
    beforePart: string;
    afterPart: string;
  }[];
  /** The figures `sfe run` prints and sweeps optimise, flat. */
  headline: Record<string, number>;
}

type Inputs = Record<'dataset' | 'targetModel' | 'features' | 'gan' | 'advd', StageRef>;

interface Scored {
  labels: Int32Array;
  /** [n, K] class scores over the model's classes, undefended and defended. */
  before: Float32Array;
  after: Float32Array;
  /** AdvD scores (probability of adversarial). */
  detector: Float32Array;
}

/** Runs `fn` over row batches of `x` and concatenates its [b, k] outputs into one array. */
function mapBatches(x: tf.Tensor2D, fn: (batch: tf.Tensor2D) => tf.Tensor2D): Float32Array {
  const parts: Float32Array[] = [];
  for (let start = 0; start < x.shape[0]; start += BATCH) {
    const out = tf.tidy(() => fn(x.slice([start, 0], [Math.min(BATCH, x.shape[0] - start), -1])));
    parts.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}

function labelsOf(entries: readonly ManifestEntry[], target: TargetModel): Int32Array {
  const position = new Map(target.classes.map((c, i) => [c.wnid, i]));
  return Int32Array.from(entries, (e) => {
    const label = position.get(e.wnid);
    if (label === undefined)
      throw new InputError(`class ${e.wnid} of ${e.uri} is not among the target model's classes`);
    return label;
  });
}

/** The head's scores over the model's own classes: TF Hub-style outputs lead with a background class. */
function dropOffset(
  scores: Float32Array,
  width: number,
  offset: number,
  classes: number,
): Float32Array {
  if (offset === 0 && width === classes) return scores;
  const rows = scores.length / width;
  const out = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++)
    out.set(scores.subarray(r * width + offset, r * width + offset + classes), r * classes);
  return out;
}

function score(
  table: FeatureTable,
  entries: readonly ManifestEntry[],
  target: TargetModel,
  head: tf.LayersModel,
  gans: TrainedGenerators,
  detector: (pg: tf.Tensor2D, ng: tf.Tensor2D) => tf.Tensor1D,
  offset: number,
): Scored {
  const kept = rowsOf(table, entries);
  const classes = target.classes.length;
  const before = new Float32Array(kept.rows.length * classes);
  kept.rows.forEach((row, i) =>
    before.set(
      table.probabilities.subarray(
        row * table.classes + offset,
        row * table.classes + offset + classes,
      ),
      i * classes,
    ),
  );
  const features = gatherFeatures(table, kept.rows);
  try {
    const after = dropOffset(
      mapBatches(features, (f) => head.predict(gans.pg(f)) as tf.Tensor2D),
      table.classes,
      offset,
      classes,
    );
    const detectorScores = mapBatches(
      features,
      (f) => detector(gans.pg(f), gans.ng(f)).expandDims(1) as tf.Tensor2D,
    );
    return { labels: labelsOf(kept.entries, target), before, after, detector: detectorScores };
  } finally {
    features.dispose();
  }
}

function accuracyOf(
  s: Scored,
  classes: number,
  subset: number[],
): ReportModelInput['accuracy']['adversarial'] {
  const cell = (scores: Float32Array, only?: number[]) => {
    const { correct, total } = top1Accuracy(scores, classes, s.labels, only);
    return { correct, total };
  };
  return {
    all1000: { undefended: cell(s.before), defended: cell(s.after) },
    imagenetA200: { undefended: cell(s.before, subset), defended: cell(s.after, subset) },
  };
}

/** The linear probe of the report: fit on every training feature, scored on each test role. */
function classProbe(
  table: FeatureTable,
  entries: readonly ManifestEntry[],
  target: TargetModel,
): ReportModelInput['probe'] {
  const matrix = (role: ManifestEntry['role'] | null, split: ManifestEntry['split']) => {
    const kept = rowsOf(
      table,
      entries.filter(
        (e) =>
          (role === null ? e.role === 'benign' || e.role === 'adversarial' : e.role === role) &&
          e.split === split,
      ),
    );
    const data = new Float32Array(kept.rows.length * table.featureDim);
    kept.rows.forEach((row, i) =>
      data.set(
        table.features.subarray(row * table.featureDim, (row + 1) * table.featureDim),
        i * table.featureDim,
      ),
    );
    return {
      x: { data, rows: kept.rows.length, dim: table.featureDim },
      labels: labelsOf(kept.entries, target),
    };
  };
  const train = matrix(null, 'train');
  const probe = fitLinearProbe(train.x, train.labels, target.classes.length);
  const scoreOn = (role: ManifestEntry['role']) => {
    const test = matrix(role, 'test');
    const { correct, total } = probeAccuracy(probe, test.x, test.labels);
    return { correct, total };
  };
  return {
    trainImages: train.x.rows,
    adversarial: scoreOn('adversarial'),
    benign: scoreOn('benign'),
  };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function detectionOf(
  adversarial: Scored,
  benign: Scored,
  config: ExperimentConfig,
): ReportModelInput['detection'] {
  const data = {
    scores: concat(adversarial.detector, benign.detector),
    labels: Int32Array.from(
      [...adversarial.detector].map(() => 1).concat([...benign.detector].map(() => 0)),
    ),
  };
  const { threshold, tprAtFpr: fprTarget } = config.evaluation.detection;
  return {
    threshold,
    accuracy: detectionAccuracy(data, threshold),
    auroc: auroc(data),
    fprTarget,
    tprAtFpr: tprAtFpr(data, fprTarget),
    roc: rocCurve(data).map(({ fpr, tpr }) => ({ fpr, tpr })),
  };
}

/** SPEC §2.5 ImageNet-O: score = −max softmax over the 200 ImageNet-O classes, OOD positive. */
async function imagenetOOf(
  ood: Scored,
  inDistribution: Scored,
  target: TargetModel,
  config: ExperimentConfig,
): Promise<ReportModelInput['imagenetO']> {
  const classes = target.classes.length;
  const oClasses = new Set(await classSetWnids('imagenet-o'));
  const subset = target.classes.flatMap((c, i) => (oClasses.has(c.wnid) ? [i] : []));
  const negMax = (scores: Float32Array) =>
    Float32Array.from(
      { length: scores.length / classes },
      (_, r) => -Math.max(...subset.map((c) => scores[r * classes + c]!)),
    );
  const metrics = (pick: (s: Scored) => Float32Array) => {
    const oodScores = negMax(pick(ood));
    const idScores = negMax(pick(inDistribution));
    const data = {
      scores: concat(oodScores, idScores),
      labels: Int32Array.from([...oodScores].map(() => 1).concat([...idScores].map(() => 0))),
    };
    return {
      auroc: auroc(data),
      aupr: averagePrecision(data, 1),
      fpr95: fprAtTpr(data, config.evaluation.imagenetO.fprAtTpr),
    };
  };
  return { before: metrics((s) => s.before), after: metrics((s) => s.after) };
}

function convLayerOf(model: tf.LayersModel, config: ExperimentConfig): string {
  if (config.evaluation.gradcam.layer) return config.evaluation.gradcam.layer;
  const pool = model.getLayer(config.targetModel.featureLayer);
  const inbound = pool.inboundNodes[0]?.inboundLayers[0];
  if (!inbound)
    throw new InputError(
      `evaluation.gradcam.layer: ${config.targetModel.featureLayer} has no input layer to explain`,
    );
  return inbound.name;
}

async function gradcamParts(
  entries: readonly ManifestEntry[],
  target: TargetModel,
  gans: TrainedGenerators,
  config: ExperimentConfig,
): Promise<{ parts: ArtifactPart[]; index: Evaluation['gradcam'] }> {
  const count = config.evaluation.gradcam.count;
  if (count === 0 || entries.length === 0) return { parts: [], index: [] };
  const pipeline = imagePipelineOf(config.targetModel);
  const read = createSourceReader();
  const chosen = entries.slice(0, count);
  const batch = await loadImageBatch(chosen, pipeline, read);
  if (!batch.images) return { parts: [], index: [] };
  const camModel = buildGradCamModel(
    target.model,
    convLayerOf(target.model, config),
    config.targetModel.featureLayer,
  );
  const offset = config.targetModel.head.labelOffset;
  const name = (index: number) => target.classes[index - offset]?.name ?? String(index);
  try {
    const images = batch.images;
    // Stage activities run one at a time per GPU worker, so switching backends is safe here.
    const [before, after] = await withConvGradientBackend(async () => [
      gradCam(camModel, images),
      gradCam(camModel, images, { defense: gans.pg }),
    ]);
    const parts: ArtifactPart[] = [];
    const index: Evaluation['gradcam'] = [];
    for (let i = 0; i < batch.ids.length; i++) {
      const entry = chosen[batch.positions[i]!]!;
      const view = await decodeForModel(await read(entry.uri), {
        ...pipeline,
        size: Math.max(pipeline.size, MIN_OVERLAY_SIZE),
      });
      const beforePart = `gradcam/${entry.id}-before.png`;
      const afterPart = `gradcam/${entry.id}-after.png`;
      parts.push({ name: beforePart, data: await renderGradCamOverlay(view, before[i]!) });
      parts.push({ name: afterPart, data: await renderGradCamOverlay(view, after[i]!) });
      const label = target.classes.find((c) => c.wnid === entry.wnid)?.name ?? entry.wnid;
      index.push({
        imageId: entry.id,
        label: `${entry.wnid} ${label}`,
        predictedBefore: name(before[i]!.classIndex),
        predictedAfter: name(after[i]!.classIndex),
        beforePart,
        afterPart,
      });
    }
    return { parts, index };
  } finally {
    // camModel shares its layers with the target model, which the caller disposes.
    batch.images.dispose();
  }
}

function headlineOf(e: Omit<Evaluation, 'headline' | 'gradcam'>): Record<string, number> {
  const rate = (c: { correct: number; total: number }) => c.correct / c.total;
  return {
    adversarialUndefended: rate(e.accuracy.adversarial.all1000.undefended),
    adversarialDefended: rate(e.accuracy.adversarial.all1000.defended),
    benignUndefended: rate(e.accuracy.benign.all1000.undefended),
    benignDefended: rate(e.accuracy.benign.all1000.defended),
    adversarialUndefended200: rate(e.accuracy.adversarial.imagenetA200.undefended),
    adversarialDefended200: rate(e.accuracy.adversarial.imagenetA200.defended),
    detectionAccuracy: e.detection.accuracy,
    detectionAuroc: e.detection.auroc,
    detectionTprAtFpr: e.detection.tprAtFpr,
  };
}

/** Stage 6 (SPEC §2.5): accuracy before/after the defense, detection, ImageNet-O, Grad-CAM. */
export function runEvaluationStage(
  ctx: StageContext,
  config: ExperimentConfig,
  inputs: Inputs,
  force: boolean,
): Promise<StageRef> {
  return runCachedStage(
    ctx,
    { stage: 'evaluation', config: config.evaluation, inputs: Object.values(inputs), force },
    async (prefix) => {
      const manifest = await readDatasetManifest(ctx.store, inputs.dataset);
      const table = await readFeatureTable(ctx.store, inputs.features);
      const target = await loadTargetModel(ctx.store, inputs.targetModel);
      const gans = await loadGenerators(ctx.store, inputs.gan);
      const detector = await loadDetector(ctx.store, inputs.advd);
      const head = splitModel(target.model, config.targetModel.featureLayer).head;
      const offset = config.targetModel.head.labelOffset;
      try {
        const of = (role: ManifestEntry['role'], split: ManifestEntry['split']) =>
          manifest.entries.filter((e) => e.role === role && e.split === split);
        const test = (role: ManifestEntry['role']) => of(role, 'test');
        const run = (role: ManifestEntry['role'], split: ManifestEntry['split'] = 'test') =>
          score(table, of(role, split), target, head, gans, detector.score, offset);
        const adversarial = run('adversarial');
        const benign = run('benign');
        if (adversarial.labels.length === 0 || benign.labels.length === 0) {
          throw new InputError(
            'the test split needs both benign and adversarial images with features',
          );
        }
        ctx.progress({ unit: 'evaluation steps', done: 1, total: 2 });
        const aClasses = new Set(await classSetWnids('imagenet-a'));
        const subset = target.classes.flatMap((c, i) => (aClasses.has(c.wnid) ? [i] : []));
        const classes = target.classes.length;
        const metrics: Omit<Evaluation, 'headline' | 'gradcam'> = {
          accuracy: {
            adversarial: accuracyOf(adversarial, classes, subset),
            benign: accuracyOf(benign, classes, subset),
          },
          fit: {
            adversarial: accuracyOf(run('adversarial', 'train'), classes, subset).all1000,
            benign: accuracyOf(run('benign', 'train'), classes, subset).all1000,
          },
          probe: classProbe(table, manifest.entries, target),
          detection: detectionOf(adversarial, benign, config),
        };
        if (config.evaluation.imagenetO.enabled) {
          metrics.imagenetO = await imagenetOOf(run('ood'), benign, target, config);
        }
        const cams = await gradcamParts(test('adversarial'), target, gans, config);
        ctx.progress({ unit: 'evaluation steps', done: 2, total: 2 });
        const evaluation: Evaluation = {
          ...metrics,
          gradcam: cams.index,
          headline: headlineOf(metrics),
        };
        return await commitArtifact(
          ctx.store,
          prefix,
          [jsonPart(EVALUATION_PART, evaluation), ...cams.parts],
          evaluation.headline,
        );
      } finally {
        gans.dispose();
        detector.dispose();
        target.model.dispose();
      }
    },
  );
}
