import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { classSetWnids } from '../../dataset/imagenet-classes.js';
import type { ManifestEntry } from '../../dataset/manifest.js';
import { withConvGradientBackend } from '../../ml/conv-gradient-backend.js';
import { buildGradCamModel, gradCam } from '../../ml/gradcam/gradcam.js';
import { renderGradCamOverlay } from '../../ml/gradcam/overlay.js';
import {
  chooseExamples,
  defenseOutcome,
  type DefenseOutcome,
  type ExampleCandidate,
} from '../../ml/gradcam/choose-examples.js';
import { decodeForModel } from '../../ml/images/decode-image.js';
import { loadImageBatch } from '../../ml/images/load-image-batch.js';
import { createSourceReader } from '../../ml/images/read-source.js';
import { top1Hits } from '../../ml/metrics/accuracy.js';
import { discordantPairs } from '../../ml/metrics/statistics.js';
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
import { loadDefense } from './defense-stage.js';
import { readDatasetManifest } from './dataset-stage.js';
import type { FeatureMap } from '../../ml/gan/gan-trainer.js';
import { loadGenerators, type TrainedGenerators } from './gan-stage.js';
import { imagePipelineOf } from '../model-image-pipeline.js';
import { labelsOf } from '../target-labels.js';
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
    /** The test set it is from, e.g. `adversarial test`. */
    split?: string;
    outcome?: DefenseOutcome;
    label: string;
    predictedBefore: string;
    predictedAfter: string;
    beforePart: string;
    afterPart: string;
  }[];
  /**
   * Per test image, whether the head got it right undefended and defended (1000-way): what the
   * paired counts come from, and what a later comparison across runs can pair on. Absent in
   * artifacts written before it was added.
   */
  outcomes?: Record<'adversarial' | 'benign', ImageOutcome[]>;
  /** The figures `sfe run` prints and sweeps optimise, flat. */
  headline: Record<string, number>;
}

export interface ImageOutcome {
  imageId: string;
  undefended: boolean;
  defended: boolean;
}

type Inputs = Record<'dataset' | 'targetModel' | 'features' | 'gan' | 'defense' | 'advd', StageRef>;

interface Scored {
  imageIds: string[];
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
  defense: FeatureMap,
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
      mapBatches(features, (f) => head.predict(defense(f)) as tf.Tensor2D),
      table.classes,
      offset,
      classes,
    );
    const detectorScores = mapBatches(
      features,
      (f) => detector(gans.pg(f), gans.ng(f)).expandDims(1) as tf.Tensor2D,
    );
    return {
      imageIds: kept.entries.map((e) => e.id),
      labels: labelsOf(kept.entries, target),
      before,
      after,
      detector: detectorScores,
    };
  } finally {
    features.dispose();
  }
}

function accuracyOf(
  s: Scored,
  classes: number,
  subset: number[],
): ReportModelInput['accuracy']['adversarial'] {
  const compare = (only?: number[]) => {
    const before = top1Hits(s.before, classes, s.labels, only);
    const after = top1Hits(s.after, classes, s.labels, only);
    const cell = (hits: boolean[]) => ({
      correct: hits.filter(Boolean).length,
      total: hits.length,
    });
    return {
      undefended: cell(before),
      defended: cell(after),
      paired: discordantPairs(before, after),
    };
  };
  return { all1000: compare(), imagenetA200: compare(subset) };
}

function outcomesOf(s: Scored, classes: number): ImageOutcome[] {
  const before = top1Hits(s.before, classes, s.labels);
  const after = top1Hits(s.after, classes, s.labels);
  return s.imageIds.map((imageId, i) => ({
    imageId,
    undefended: before[i]!,
    defended: after[i]!,
  }));
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

interface GradcamExample extends ExampleCandidate {
  entry: ManifestEntry;
}

/** Test images of every set, class and outcome, for `chooseExamples` to spread the picks over. */
function gradcamCandidates(
  sets: Record<'adversarial' | 'benign', { scored: Scored; entries: readonly ManifestEntry[] }>,
  classes: number,
): GradcamExample[] {
  return (['adversarial', 'benign'] as const).flatMap((set) => {
    const { scored, entries } = sets[set];
    const byId = new Map(entries.map((e) => [e.id, e]));
    return outcomesOf(scored, classes).map((o) => {
      const entry = byId.get(o.imageId)!;
      return {
        entry,
        classKey: entry.wnid,
        set,
        outcome: defenseOutcome(o.undefended, o.defended),
      };
    });
  });
}

/** A class as the report names it: its name, with the wnid only where the data is ImageNet's. */
function classLabel(target: TargetModel, wnid: string, imagenet: boolean): string {
  const name = target.classes.find((c) => c.wnid === wnid)?.name;
  if (name === undefined || name === wnid) return wnid;
  return imagenet ? `${wnid} ${name}` : name;
}

async function gradcamParts(
  candidates: readonly GradcamExample[],
  target: TargetModel,
  defense: FeatureMap,
  config: ExperimentConfig,
): Promise<{ parts: ArtifactPart[]; index: Evaluation['gradcam'] }> {
  const count = config.evaluation.gradcam.count;
  if (count === 0 || candidates.length === 0) return { parts: [], index: [] };
  const pipeline = imagePipelineOf(config.targetModel);
  const read = createSourceReader();
  const examples = chooseExamples(candidates, count);
  const chosen = examples.map((e) => e.entry);
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
      gradCam(camModel, images, { defense }),
    ]);
    const parts: ArtifactPart[] = [];
    const index: Evaluation['gradcam'] = [];
    for (let i = 0; i < batch.ids.length; i++) {
      const example = examples[batch.positions[i]!]!;
      const entry = example.entry;
      const view = await decodeForModel(await read(entry.uri), {
        ...pipeline,
        size: Math.max(pipeline.size, MIN_OVERLAY_SIZE),
      });
      const beforePart = `gradcam/${entry.id}-before.png`;
      const afterPart = `gradcam/${entry.id}-after.png`;
      parts.push({ name: beforePart, data: await renderGradCamOverlay(view, before[i]!) });
      parts.push({ name: afterPart, data: await renderGradCamOverlay(view, after[i]!) });
      index.push({
        imageId: entry.id,
        split: `${example.set} test`,
        outcome: example.outcome,
        label: classLabel(target, entry.wnid, config.data.kind !== 'demo'),
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

type Metrics = Omit<Evaluation, 'headline' | 'gradcam' | 'outcomes'>;

function headlineOf(e: Metrics): Record<string, number> {
  return {
    ...headlineAccuracies(e.accuracy.adversarial.all1000, 'adversarial', ''),
    ...headlineAccuracies(e.accuracy.benign.all1000, 'benign', ''),
    ...headlineAccuracies(e.accuracy.adversarial.imagenetA200, 'adversarial', '200'),
    detectionAccuracy: e.detection.accuracy,
    detectionAuroc: e.detection.auroc,
    detectionTprAtFpr: e.detection.tprAtFpr,
  };
}

type Comparison = Evaluation['accuracy']['adversarial']['all1000'];

/**
 * `<split>Undefended<suffix>` and `<split>Defended<suffix>` as rates (what sweeps optimise),
 * with their counts (`…Correct`, `…Total`) and the paired discordant counts (`<split>Paired…B`,
 * `…C`), so that every printed rate can carry its interval and test.
 */
function headlineAccuracies(
  c: Comparison,
  split: 'adversarial' | 'benign',
  suffix: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const side of ['undefended', 'defended'] as const) {
    const name = `${split}${side === 'undefended' ? 'Undefended' : 'Defended'}${suffix}`;
    const cell = c[side];
    out[name] = cell.correct / cell.total;
    out[`${name}Correct`] = cell.correct;
    out[`${name}Total`] = cell.total;
  }
  if (c.paired) {
    out[`${split}Paired${suffix}B`] = c.paired.b;
    out[`${split}Paired${suffix}C`] = c.paired.c;
  }
  return out;
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
      const defense = await loadDefense(ctx.store, inputs.defense, gans.pg);
      const detector = await loadDetector(ctx.store, inputs.advd);
      const head = splitModel(target.model, config.targetModel.featureLayer).head;
      const offset = config.targetModel.head.labelOffset;
      try {
        const of = (role: ManifestEntry['role'], split: ManifestEntry['split']) =>
          manifest.entries.filter((e) => e.role === role && e.split === split);
        const test = (role: ManifestEntry['role']) => of(role, 'test');
        const run = (role: ManifestEntry['role'], split: ManifestEntry['split'] = 'test') =>
          score(table, of(role, split), target, head, gans, defense.map, detector.score, offset);
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
        const metrics: Metrics = {
          accuracy: {
            adversarial: accuracyOf(adversarial, classes, subset),
            benign: accuracyOf(benign, classes, subset),
            classes: { model: classes, imagenetA: subset.length },
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
        const candidates = gradcamCandidates(
          {
            adversarial: { scored: adversarial, entries: test('adversarial') },
            benign: { scored: benign, entries: test('benign') },
          },
          classes,
        );
        const cams = await gradcamParts(candidates, target, defense.map, config);
        ctx.progress({ unit: 'evaluation steps', done: 2, total: 2 });
        const evaluation: Evaluation = {
          ...metrics,
          gradcam: cams.index,
          outcomes: {
            adversarial: outcomesOf(adversarial, classes),
            benign: outcomesOf(benign, classes),
          },
          headline: headlineOf(metrics),
        };
        return await commitArtifact(
          ctx.store,
          prefix,
          [jsonPart(EVALUATION_PART, evaluation), ...cams.parts],
          evaluation.headline,
        );
      } finally {
        defense.dispose();
        gans.dispose();
        detector.dispose();
        target.model.dispose();
      }
    },
  );
}
