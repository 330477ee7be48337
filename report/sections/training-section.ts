import type { PageSection } from '../html-page.js';
import type { AdvdCurves, GanCurves } from '../report-model.js';
import { lineChart, type LineSeries } from '../svg-charts.js';

/** SFE GAN losses per iteration and AdvD loss/accuracy per epoch, as SVG line charts. */
export function trainingSection(training: { gan?: GanCurves; advd?: AdvdCurves }): PageSection {
  const gan = training.gan
    ? ganCharts(training.gan)
    : '<p class="muted">No GAN curves recorded.</p>';
  const advd = training.advd
    ? advdCharts(training.advd)
    : '<p class="muted">No AdvD curves recorded.</p>';
  return {
    id: 'training',
    title: 'Training curves',
    html: `<h3>SFE GAN</h3>\n${gan}\n<h3>AdvD detector</h3>\n${advd}`,
  };
}

function ganCharts(gan: GanCurves): string {
  const series = (group: Record<string, (number | null)[]>, prefix: string): LineSeries[] =>
    Object.entries(group).map(([name, y]) => ({ name: `${prefix} ${name}`, x: gan.iteration, y }));
  const charts = [
    lineChart({
      title: 'Discriminator loss',
      xLabel: 'Iteration',
      yLabel: 'BCE',
      series: series(gan.dLoss, 'D'),
    }),
    lineChart({
      title: 'Generator loss',
      xLabel: 'Iteration',
      yLabel: '0.999·MSE + 0.001·BCE',
      series: series(gan.gLoss, 'G'),
      yScale: 'log',
    }),
    lineChart({
      title: 'Generator MSE to target features',
      xLabel: 'Iteration',
      yLabel: 'MSE',
      series: series(gan.mse, 'MSE'),
      yScale: 'log',
    }),
  ];
  return `<div class="charts">${charts.join('')}</div>`;
}

function advdCharts(advd: AdvdCurves): string {
  const x = advd.epoch;
  const charts = [
    lineChart({
      title: 'AdvD loss',
      xLabel: 'Epoch',
      yLabel: 'BCE',
      series: [
        { name: 'train', x, y: advd.trainLoss },
        { name: 'validation', x, y: advd.valLoss },
      ],
    }),
    lineChart({
      title: 'AdvD accuracy',
      xLabel: 'Epoch',
      yLabel: 'Accuracy',
      yDomain: [0, 1],
      series: [
        { name: 'train', x, y: advd.trainAccuracy },
        { name: 'validation', x, y: advd.valAccuracy },
      ],
    }),
  ];
  return `<div class="charts">${charts.join('')}</div>`;
}
