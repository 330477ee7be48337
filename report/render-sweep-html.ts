import { escapeXml } from './escape.js';
import { formatAccuracy, formatNumber } from './format.js';
import { htmlPage, htmlTable, type HtmlCell, type PageSection } from './html-page.js';
import { scatterChart } from './svg-charts.js';
import {
  sweepReportModelSchema,
  type SweepReportModel,
  type SweepReportModelInput,
  type SweepTrial,
} from './sweep-model.js';

/**
 * The sweep page: a leaderboard of the trials, one objective-versus-parameter scatter plot per
 * numeric parameter, and a link to the best trial's report. Self-contained like the report.
 * @throws ZodError when `input` is not a valid sweep model.
 */
export function renderSweepHtml(input: SweepReportModelInput): string {
  const model = sweepReportModelSchema.parse(input);
  const ranked = rankTrials(model);
  const best = ranked.find((t) => t.status === 'completed' && t.objective !== null);
  const sections: PageSection[] = [
    { id: 'best', title: 'Best trial', html: bestTrial(model, best) },
    { id: 'trials', title: 'Trials', html: trialsTable(model, ranked, best) },
    { id: 'plots', title: 'Objective versus parameters', html: plots(model, best) },
  ];
  return htmlPage({
    title: `SFE sweep ${model.sweep.id}`,
    meta: [
      ['Sweep', model.sweep.id],
      ['Strategy', model.sweep.strategy],
      ['Objective', `${model.objective.direction} ${model.objective.metric}`],
      ['Trials', String(model.trials.length)],
      ['Created', model.sweep.createdAt],
    ],
    sections,
  });
}

/**
 * Trials best first by objective; unknown objectives last. Only completed trials can be best: a
 * trial stopped early was scored at an earlier rung. Ties keep the sweep's trial order.
 */
export function rankTrials(model: SweepReportModel): SweepTrial[] {
  const sign = model.objective.direction === 'maximize' ? -1 : 1;
  const tier = (t: SweepTrial): number =>
    t.objective === null ? 2 : t.status === 'completed' ? 0 : 1;
  return model.trials
    .map((trial, order) => ({ trial, order }))
    .sort(
      (a, b) =>
        tier(a.trial) - tier(b.trial) ||
        sign * ((a.trial.objective ?? 0) - (b.trial.objective ?? 0)) ||
        a.order - b.order,
    )
    .map((r) => r.trial);
}

function bestTrial(model: SweepReportModel, best: SweepTrial | undefined): string {
  if (!best) return '<p class="muted">No trial has completed yet.</p>';
  const link = best.reportHref
    ? ` · <a href="${escapeXml(best.reportHref)}">open its report</a>`
    : '';
  const params = model.parameters
    .map((p) => `${escapeXml(p.path)} = ${escapeXml(paramText(best.params[p.path]))}`)
    .join(', ');
  return (
    `<p><b class="mono">${escapeXml(best.trialId)}</b>: ${escapeXml(model.objective.metric)} = ` +
    `<b>${escapeXml(formatNumber(best.objective!))}</b>${link}</p><p>${params}</p>`
  );
}

function trialsTable(
  model: SweepReportModel,
  ranked: readonly SweepTrial[],
  best?: SweepTrial,
): string {
  const headers = [
    'Rank',
    'Trial',
    ...model.parameters.map((p) => p.path),
    'Objective',
    'Status',
    'Stopped early at',
    'Report',
  ];
  const rows = ranked.map((t, i): HtmlCell[] => [
    { html: String(i + 1), className: 'num' },
    { html: escapeXml(t.trialId) + (t === best ? ' ★' : ''), className: 'mono id' },
    ...model.parameters.map((p): HtmlCell => {
      const value = t.params[p.path];
      const html = escapeXml(paramText(value));
      return typeof value === 'number' ? { html, className: 'num' } : html;
    }),
    { html: objectiveCell(t), className: 'num' },
    escapeXml(t.status),
    { html: t.stoppedEarlyAt === undefined ? '' : String(t.stoppedEarlyAt), className: 'num' },
    t.reportHref ? `<a href="${escapeXml(t.reportHref)}">report</a>` : '',
  ]);
  return htmlTable(headers, rows, 'trials');
}

function plots(model: SweepReportModel, best: SweepTrial | undefined): string {
  const charts = model.parameters.flatMap((p) => {
    const points = model.trials.flatMap((t) => {
      const x = t.params[p.path];
      if (typeof x !== 'number' || t.objective === null) return [];
      return [
        {
          x,
          y: t.objective,
          label: `${t.trialId} (${t.status}): ${formatNumber(t.objective)}`,
          highlight: t === best,
        },
      ];
    });
    if (points.length === 0) return [];
    return [
      scatterChart({
        title: p.path,
        xLabel: p.scale === 'log' ? `${p.path} (log scale)` : p.path,
        yLabel: 'objective',
        xScale: p.scale,
        padding: 10,
        points,
      }),
    ];
  });
  if (charts.length === 0) return '<p class="muted">No numeric parameter has a scored trial.</p>';
  const bestNote = best ? ' The best trial is drawn larger, in orange.' : '';
  const note = `<p class="muted">Objective: ${escapeXml(model.objective.metric)} (${model.objective.direction}).${bestNote}</p>`;
  return `${note}<div class="charts">${charts.join('')}</div>`;
}

function paramText(value: number | string | boolean | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

/** The objective, with its count and 95% Wilson interval where it is a share of images. */
function objectiveCell(t: SweepTrial): string {
  if (t.objective === null) return '—';
  const c = t.objectiveCount;
  return c
    ? `${escapeXml(formatNumber(t.objective))} <span class="muted">${escapeXml(formatAccuracy(c.correct, c.total))}</span>`
    : escapeXml(formatNumber(t.objective));
}
