import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { renderReportHtml } from '../../report/render-html.js';
import { renderMetricsJson } from '../../report/render-metrics-json.js';
import type { ReportModelInput } from '../../report/report-model.js';
import { commitArtifact, readPart } from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { committedManifest, readJsonPart } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { readDatasetManifest, type DatasetClass } from './dataset-stage.js';
import {
  DATASET_AUDIT_PART,
  DATASET_CLASSES_PART,
  DATASET_FILTRATION_PART,
  DATASET_ATTACK_PART,
} from './dataset-stage.js';
import { summarizeFiltration, type Filtration } from '../../dataset/filtration/filter-by-model.js';
import { summarizeAttack, type PhotoAttack } from '../../dataset/attack/attack-photos.js';
import { readAdvdHistory } from './advd-stage.js';
import { EVALUATION_PART, type Evaluation } from './evaluation-stage.js';
import { loadGanHistory } from './gan-stage.js';
import type { LeakageAudit } from '../../dataset/leakage-audit.js';
import { describeData } from '../../report/data-description.js';

export const REPORT_HTML = 'report.html';
export const REPORT_METRICS = 'metrics.json';
/** Plain copies of the latest report per experiment, at a path a person can open. */
export function publishedReportKeys(experimentId: string): { html: string; metrics: string } {
  return {
    html: `experiments/${experimentId}/${REPORT_HTML}`,
    metrics: `experiments/${experimentId}/${REPORT_METRICS}`,
  };
}

export interface ReportStageInput {
  experimentId: string;
  configHash: string;
  backend: string;
  stages: Record<
    'dataset' | 'targetModel' | 'features' | 'gan' | 'defense' | 'advd' | 'evaluation',
    StageRef
  >;
  /** Every stage that ran before this one, in the workflow's order: the report's stage table. */
  upstream: StageRef[];
}

async function dataSummary(
  store: ArtifactStore,
  dataset: StageRef,
  config: ExperimentConfig,
): Promise<ReportModelInput['data']> {
  const manifest = await readDatasetManifest(store, dataset);
  const artifact = await committedManifest(store, dataset.key);
  const audit = (await readJsonPart(store, artifact, DATASET_AUDIT_PART)) as LeakageAudit;
  const classes = (await readJsonPart(store, artifact, DATASET_CLASSES_PART)) as DatasetClass[];
  const filtration = artifact.parts.some((p) => p.name === DATASET_FILTRATION_PART)
    ? ((await readJsonPart(store, artifact, DATASET_FILTRATION_PART)) as Filtration)
    : undefined;
  const attack = artifact.parts.some((p) => p.name === DATASET_ATTACK_PART)
    ? ((await readJsonPart(store, artifact, DATASET_ATTACK_PART)) as PhotoAttack)
    : undefined;
  const counts = Object.entries(manifest.summary.perRoleSplit).map(([roleSplit, images]) => {
    const [role, split] = roleSplit.split('/') as [
      'benign' | 'adversarial' | 'ood',
      'train' | 'test',
    ];
    return { role, split, images };
  });
  const description = describeData(config.data);
  return {
    description,
    // Class names as the data set's class list gives them; wnids alone only for ImageNet data.
    classNames: classes.map((c) =>
      description.imagenet && c.name !== c.wnid ? `${c.wnid} ${c.name}` : c.name,
    ),
    counts,
    classes: classes.length,
    problems: {
      count: manifest.problems.length,
      first: manifest.problems.slice(0, 5).map((p) => `${p.uri}: ${p.reason}`),
    },
    ...(filtration && { filtration: summarizeFiltration(filtration) }),
    ...(attack && { attack: summarizeAttack(attack) }),
    leakage: {
      protocol: manifest.protocol,
      exactDuplicates: audit.exact.testImages,
      nearDuplicates: audit.near.testImages,
      examples: [
        ...audit.exact.pairs.slice(0, 5).map((p) => ({
          kind: 'exact' as const,
          trainId: p.trainId,
          testId: p.testId,
          distance: 0,
        })),
        ...audit.near.pairs.slice(0, 5).map((p) => ({
          kind: 'near' as const,
          trainId: p.trainId,
          testId: p.testId,
          distance: p.distance,
        })),
      ],
    },
  };
}

async function ganCurves(
  store: ArtifactStore,
  gan: StageRef,
): Promise<NonNullable<ReportModelInput['training']['gan']>> {
  const history = await loadGanHistory(store, gan);
  // The page downsamples by min/max buckets itself; a diverged (non-finite) loss is a gap.
  const curve = (values: number[]) => values.map((v) => (Number.isFinite(v) ? v : null));
  return {
    iteration: Array.from({ length: history.msePG.length }, (_, i) => i + 1),
    dLoss: { PG: curve(history.dLossPG), NG: curve(history.dLossNG) },
    gLoss: { PG: curve(history.gLossPG), NG: curve(history.gLossNG) },
    mse: { PG: curve(history.msePG), NG: curve(history.mseNG) },
  };
}

/** Stage 7: the self-contained HTML report and metrics.json (issue 4 item 8). */
export async function runReportStage(
  ctx: StageContext,
  config: ExperimentConfig,
  input: ReportStageInput,
  force: boolean,
): Promise<StageRef> {
  const inputs = input.upstream;
  // A stage recomputed for a reason is news the report must carry, so it joins the key.
  const recomputed = inputs.flatMap((s) => (s.recomputed ? [`${s.stage}: ${s.recomputed}`] : []));
  const section = {
    experimentId: input.experimentId,
    configHash: input.configHash,
    ...(recomputed.length > 0 ? { recomputed } : {}),
  };
  const ref = await runCachedStage(
    ctx,
    { stage: 'report', config: section, inputs, force },
    async (prefix) => {
      const started = performance.now();
      const store = ctx.store;
      const evaluationArtifact = await committedManifest(store, input.stages.evaluation.key);
      const evaluation = (await readJsonPart(
        store,
        evaluationArtifact,
        EVALUATION_PART,
      )) as Evaluation;
      const gradcam = [];
      for (const entry of evaluation.gradcam) {
        gradcam.push({
          imageId: entry.imageId,
          ...(entry.split === undefined ? {} : { split: entry.split }),
          ...(entry.outcome === undefined ? {} : { outcome: entry.outcome }),
          label: entry.label,
          predictedBefore: entry.predictedBefore,
          predictedAfter: entry.predictedAfter,
          before: { png: await readPart(store, evaluationArtifact, entry.beforePart) },
          after: { png: await readPart(store, evaluationArtifact, entry.afterPart) },
        });
      }
      const model: ReportModelInput = {
        experiment: {
          id: input.experimentId,
          ...(config.name ? { name: config.name } : {}),
          configHash: input.configHash,
          codeVersion: ctx.codeVersion,
          createdAt: new Date().toISOString(),
          backend: input.backend,
        },
        config: JSON.parse(JSON.stringify(config)) as ReportModelInput['config'],
        data: await dataSummary(store, input.stages.dataset, config),
        accuracy: evaluation.accuracy,
        defenseModule: config.defense.module,
        ...(evaluation.fit ? { fit: evaluation.fit } : {}),
        ...(evaluation.probe ? { probe: evaluation.probe } : {}),
        detection: evaluation.detection,
        ...(evaluation.imagenetO ? { imagenetO: evaluation.imagenetO } : {}),
        training: {
          gan: await ganCurves(store, input.stages.gan),
          advd: await readAdvdHistory(store, input.stages.advd),
        },
        gradcam,
        stages: [
          ...inputs.map((s) => ({
            stage: s.stage,
            key: s.key,
            outcome: s.cached ? ('cached' as const) : ('computed' as const),
            seconds: s.seconds,
            ...(s.recomputed === undefined ? {} : { recomputed: s.recomputed }),
          })),
          // This stage itself, computed now (a cached report keeps the page it was made with).
          {
            stage: 'report',
            key: prefix,
            outcome: 'computed' as const,
            seconds: (performance.now() - started) / 1000,
          },
        ],
      };
      const html = renderReportHtml(model);
      const metrics = renderMetricsJson(model);
      const encode = (text: string) => new TextEncoder().encode(text);
      return commitArtifact(
        store,
        prefix,
        [
          { name: REPORT_HTML, data: encode(html) },
          { name: REPORT_METRICS, data: encode(metrics) },
        ],
        evaluation.headline,
      );
    },
  );
  // Published on every run, cached or not, so the path printed to the user always exists.
  const committed = await committedManifest(ctx.store, ref.key);
  const published = publishedReportKeys(input.experimentId);
  await ctx.store.put(published.html, await readPart(ctx.store, committed, REPORT_HTML));
  await ctx.store.put(published.metrics, await readPart(ctx.store, committed, REPORT_METRICS));
  return ref;
}
