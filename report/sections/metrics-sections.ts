import { escapeXml } from '../escape.js';
import { formatPercent, formatScore } from '../format.js';
import { htmlTable, type HtmlCell, type PageSection } from '../html-page.js';
import type { AccuracyCell, ReportModel } from '../report-model.js';
import { rocChart } from '../svg-charts.js';

/** Undefended vs defended accuracy on each test split, under both class protocols. */
export function headlineSection(model: ReportModel): PageSection {
  const rows: HtmlCell[][] = [];
  const splits = [
    ['Adversarial test (ImageNet-A)', model.accuracy.adversarial],
    ['Benign test (ImageNet)', model.accuracy.benign],
  ] as const;
  for (const [name, split] of splits) {
    const protocols = [
      ['1000-way argmax', split.all1000],
      ['200-class (ImageNet-A protocol)', split.imagenetA200],
    ] as const;
    protocols.forEach(([protocol, cells], i) => {
      const row: HtmlCell[] = [];
      if (i === 0) row.push({ html: escapeXml(name), rowSpan: protocols.length });
      row.push(
        escapeXml(protocol),
        accuracyCell(cells.undefended),
        accuracyCell(cells.defended),
        changeCell(cells.undefended, cells.defended),
      );
      rows.push(row);
    });
  }
  return {
    id: 'accuracy',
    title: 'Accuracy: undefended vs defended',
    html:
      htmlTable(
        ['Test split', 'Protocol', 'Undefended', 'Defended (SF)', 'Change'],
        rows,
        'headline',
      ) +
      '<p class="muted">Undefended: argmax head(f(x)). Defended: argmax head(PG(f(x))).</p>' +
      fitNote(model) +
      probeNote(model),
  };
}

/** The training images' figures beside the test ones: a defense that only fits shows here. */
function fitNote(model: ReportModel): string {
  const fit = model.fit;
  if (fit === undefined) return '';
  const pair = (c: { undefended: AccuracyCell; defended: AccuracyCell }) =>
    `${formatPercent(c.undefended.correct / c.undefended.total)} → ${formatPercent(c.defended.correct / c.defended.total)}`;
  return (
    `<p id="fit">On the training images the GAN and AdvD learned from (1000-way), adversarial ` +
    `${escapeXml(pair(fit.adversarial))}, benign ${escapeXml(pair(fit.benign))} ` +
    '(undefended → defended). Defended figures far above the test ones mean the defense fits ' +
    'its training data rather than generalises.</p>'
  );
}

/** What a linear read-out of the features gets, beside what the model's own head gets. */
function probeNote(model: ReportModel): string {
  const probe = model.probe;
  if (probe === undefined) return '';
  const rate = (c: AccuracyCell) =>
    `${formatPercent(c.correct / c.total)} (${c.correct}/${c.total})`;
  return (
    `<p id="probe">Linear probe of the true class from the features (ridge read-out fit on ` +
    `${probe.trainImages} training images, benign and adversarial): adversarial test ` +
    `${escapeXml(rate(probe.adversarial))}, benign test ${escapeXml(rate(probe.benign))}. ` +
    'Far above the undefended head on the adversarial images, it means the features carry the ' +
    'object and the head is what is misled; near it, there is little in the features for a ' +
    'feature-space defense to recover.</p>'
  );
}

export function detectionSection(model: ReportModel): PageSection {
  const d = model.detection;
  const table = htmlTable(
    ['Metric', 'Value'],
    [
      [`Accuracy at threshold ${escapeXml(String(d.threshold))}`, num(formatPercent(d.accuracy))],
      ['AUROC', num(formatScore(d.auroc))],
      [`TPR at ${escapeXml(formatPercent(d.fprTarget, 0))} FPR`, num(formatPercent(d.tprAtFpr))],
    ],
    'detection',
  );
  const chart = rocChart(
    {
      title: 'AdvD ROC (adversarial = positive)',
      xLabel: 'False-positive rate',
      yLabel: 'True-positive rate',
      width: 420,
      height: 380,
    },
    [{ name: 'AdvD', auroc: d.auroc, points: d.roc }],
  );
  return {
    id: 'detection',
    title: 'Detection (AdvD)',
    html: `<div class="charts"><div>${table}</div>${chart}</div>`,
  };
}

/** Out-of-distribution detection with −max softmax over the 200 ImageNet-O classes. */
export function imagenetOSection(model: ReportModel): PageSection | undefined {
  const o = model.imagenetO;
  if (!o) return undefined;
  const rows = (
    [
      ['AUROC', 'auroc', true],
      ['AUPR (OOD positive)', 'aupr', true],
      ['FPR at 95% TPR', 'fpr95', false],
    ] as const
  ).map(([name, key, higherIsBetter]): HtmlCell[] => [
    name,
    num(formatScore(o.before[key])),
    num(formatScore(o.after[key])),
    signed(o.after[key] - o.before[key], higherIsBetter, (v) => v.toFixed(3)),
  ]);
  return {
    id: 'imagenet-o',
    title: 'ImageNet-O (out-of-distribution)',
    html: htmlTable(['Metric', 'Before SF', 'After SF', 'Change'], rows, 'imagenet-o'),
  };
}

function accuracyCell(c: AccuracyCell): HtmlCell {
  return num(
    `${formatPercent(c.correct / c.total)} <span class="muted">(${c.correct}/${c.total})</span>`,
  );
}

function changeCell(before: AccuracyCell, after: AccuracyCell): HtmlCell {
  const points = (after.correct / after.total - before.correct / before.total) * 100;
  return signed(points, true, (v) => `${v.toFixed(1)} pp`);
}

/** A signed difference, green when it is an improvement and red when it is a regression. */
function signed(delta: number, higherIsBetter: boolean, format: (v: number) => string): HtmlCell {
  const text = `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${format(Math.abs(delta))}`;
  if (delta === 0) return num(text);
  const good = delta > 0 === higherIsBetter;
  return num(`<span class="${good ? 'up' : 'down'}">${text}</span>`);
}

function num(html: string): HtmlCell {
  return { html, className: 'num' };
}
