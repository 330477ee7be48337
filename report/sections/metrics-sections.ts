import { escapeXml } from '../escape.js';
import { formatMcnemar, formatPercent, formatScore } from '../format.js';
import { wilsonInterval } from '../../ml/metrics/statistics.js';
import { htmlTable, type HtmlCell, type PageSection } from '../html-page.js';
import type { AccuracyCell, DefenseComparison, ReportModel } from '../report-model.js';
import { rocChart } from '../svg-charts.js';

const DEFENSE_MODULE_NAMES: Record<ReportModel['defenseModule'], string> = {
  'sfe-pg': 'PG (the SFE GAN)',
  'sfe-pg-finetuned': 'PG fine-tuned through the head',
  autoencoder: 'autoencoder trained through the head',
  'one-layer': 'one-layer module trained through the head',
};

/**
 * Undefended vs defended accuracy on each test split, each with its count and 95% Wilson
 * interval, and the exact McNemar test on the same images: with 32 test images "0% → 0%" is
 * an interval of 0–11% on both sides and no evidence either way, and the page says so.
 */
export function headlineSection(model: ReportModel): PageSection {
  const rows: HtmlCell[][] = [];
  const names = model.data.description ?? {
    adversarial: 'ImageNet-A',
    benign: 'ImageNet',
    imagenet: true,
  };
  const splits = [
    [`Adversarial test (${names.adversarial})`, model.accuracy.adversarial],
    [`Benign test (${names.benign})`, model.accuracy.benign],
  ] as const;
  const classes = model.accuracy.classes;
  const ways = classes ? `${classes.model}-way argmax` : '1000-way argmax';
  // The 200-class protocol only differs where the model knows classes outside ImageNet-A's.
  const subsetRow = classes === undefined || classes.imagenetA < classes.model;
  for (const [name, split] of splits) {
    const protocols: [string, DefenseComparison][] = [[ways, split.all1000]];
    if (subsetRow)
      protocols.push([
        `${classes?.imagenetA ?? 200}-class (ImageNet-A protocol)`,
        split.imagenetA200,
      ]);
    protocols.forEach(([protocol, cells], i) => {
      const row: HtmlCell[] = [];
      if (i === 0) row.push({ html: escapeXml(name), rowSpan: protocols.length });
      row.push(
        escapeXml(protocol),
        accuracyCell(cells.undefended),
        accuracyCell(cells.defended),
        changeCell(cells.undefended, cells.defended),
        pairedCell(cells),
      );
      rows.push(row);
    });
  }
  return {
    id: 'accuracy',
    title: 'Accuracy: undefended vs defended',
    html:
      htmlTable(
        ['Test split', 'Protocol', 'Undefended', 'Defended (SF)', 'Change', 'Paired test'],
        rows,
        'headline',
      ) +
      `<p class="muted">Undefended: argmax head(f(x)). Defended: argmax head(M(f(x))), M = ${escapeXml(DEFENSE_MODULE_NAMES[model.defenseModule])}. ` +
      'Brackets: 95% Wilson interval. Paired test: exact McNemar on the same images, b right ' +
      'only undefended, c right only defended, two-sided p.</p>' +
      fitNote(model) +
      probeNote(model),
  };
}

/** Training-set accuracy this far above the test one (in points) is worth a sentence. */
const FIT_GAP_POINTS = 10;

/**
 * The training images' figures beside the test ones: a defense that only fits shows here. Said
 * only when the defended training accuracy is far above the defended test accuracy.
 */
function fitNote(model: ReportModel): string {
  const fit = model.fit;
  if (fit === undefined) return '';
  const rate = (c: AccuracyCell) => c.correct / c.total;
  const gap = (train: DefenseComparison, test: DefenseComparison) =>
    100 * (rate(train.defended) - rate(test.defended));
  const largest = Math.max(
    gap(fit.adversarial, model.accuracy.adversarial.all1000),
    gap(fit.benign, model.accuracy.benign.all1000),
  );
  if (largest < FIT_GAP_POINTS) return '';
  const pair = (c: DefenseComparison) =>
    `${formatPercent(rate(c.undefended))} → ${formatPercent(rate(c.defended))}`;
  return (
    `<p id="fit">On the training images the GAN and AdvD learned from, adversarial ` +
    `${escapeXml(pair(fit.adversarial))}, benign ${escapeXml(pair(fit.benign))} ` +
    `(undefended → defended): up to ${largest.toFixed(0)} points above the test figures, so ` +
    'the defense fits its training data rather than generalises.</p>'
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
  const { low, high } = wilsonInterval(c.correct, c.total);
  return num(
    `${formatPercent(c.correct / c.total)} <span class="muted">(${c.correct}/${c.total})</span>` +
      `<br><span class="muted ci">[${formatPercent(low)}, ${formatPercent(high)}]</span>`,
  );
}

function pairedCell(c: DefenseComparison): HtmlCell {
  if (!c.paired) return num('—');
  return num(escapeXml(formatMcnemar(c.paired.b, c.paired.c)));
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
