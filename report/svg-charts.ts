import { minMaxBucketIndices } from './downsample.js';
import { escapeXml } from './escape.js';
import { formatScore } from './format.js';
import { axisScale, type Scale } from './svg-scale.js';

/**
 * Dependency-free SVG charts for the report pages. Output is a pure function of the input
 * (coordinates rounded to 0.1 px), so the same experiment gives byte-identical pages, and every
 * text is escaped.
 */

export interface LineSeries {
  name: string;
  x: readonly number[];
  /** null draws a gap. */
  y: readonly (number | null)[];
}

export interface ChartFrame {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Pixels between the axes and the data range, so points on the range's ends stay clear of the axes. */
  padding?: number;
}

export interface LineChartOptions extends ChartFrame {
  series: readonly LineSeries[];
  yScale?: 'linear' | 'log';
  /** A fixed y range, e.g. [0, 1] for an accuracy. */
  yDomain?: readonly [number, number];
  /** Points per series above which a series is downsampled by min/max buckets. */
  maxPoints?: number;
}

export interface RocCurve {
  name: string;
  auroc: number;
  points: readonly { fpr: number; tpr: number }[];
}

export interface ScatterPoint {
  x: number;
  y: number;
  /** A tooltip, e.g. the trial id. */
  label: string;
  highlight?: boolean;
}

export interface ScatterChartOptions extends ChartFrame {
  points: readonly ScatterPoint[];
  xScale?: 'linear' | 'log';
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

const MARGIN = { left: 64, right: 28, top: 30, bottom: 46 };
const LEGEND_ROW = 18;
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

export function lineChart(options: LineChartOptions): string {
  const maxPoints = options.maxPoints ?? 800;
  const drawn = options.series.map((s) => {
    if (s.x.length !== s.y.length) {
      throw new Error(`series ${s.name}: ${s.x.length} x values but ${s.y.length} y values`);
    }
    const keep = minMaxBucketIndices(s.y, maxPoints);
    return { name: s.name, x: keep.map((i) => s.x[i]!), y: keep.map((i) => s.y[i]!) };
  });
  const xs = drawn.flatMap((s) => s.x);
  const ys = drawn.flatMap((s) => s.y.filter((v): v is number => v !== null));
  const xScale = axisScale('linear', xs);
  const yScale = axisScale(options.yScale ?? 'linear', ys, options.yDomain);
  return frame(
    options,
    xScale,
    yScale,
    drawn.map((s) => s.name),
    (plot) => drawn.map((s, i) => polyline(plot, s.x, s.y, PALETTE[i % PALETTE.length]!)).join(''),
  );
}

/** ROC curves on the unit square with the chance diagonal; each legend entry carries its AUROC. */
export function rocChart(frameOptions: ChartFrame, curves: readonly RocCurve[]): string {
  const unit = [0, 1] as const;
  const xScale = axisScale('linear', [], unit);
  const yScale = axisScale('linear', [], unit);
  const names = curves.map((c) => `${c.name} (AUROC ${formatScore(c.auroc)})`);
  return frame(frameOptions, xScale, yScale, names, (plot) => {
    const diagonal = polyline(plot, [0, 1], [0, 1], '#999999', 'stroke-dasharray="4 4"');
    const lines = curves.map((c, i) =>
      polyline(
        plot,
        c.points.map((p) => p.fpr),
        c.points.map((p) => p.tpr),
        PALETTE[i % PALETTE.length]!,
      ),
    );
    return diagonal + lines.join('');
  });
}

export function scatterChart(options: ScatterChartOptions): string {
  const xScale = axisScale(
    options.xScale ?? 'linear',
    options.points.map((p) => p.x),
  );
  const yScale = axisScale(
    'linear',
    options.points.map((p) => p.y),
  );
  return frame(options, xScale, yScale, [], (plot) =>
    options.points
      .map((p) => {
        const fill = p.highlight ? PALETTE[1]! : PALETTE[0]!;
        const r = p.highlight ? 6 : 4;
        return (
          `<circle cx="${fmt(plot.x(p.x))}" cy="${fmt(plot.y(p.y))}" r="${r}" fill="${fill}" ` +
          `fill-opacity="0.8"><title>${escapeXml(p.label)}</title></circle>`
        );
      })
      .join(''),
  );
}

interface Plot {
  x(value: number): number;
  y(value: number): number;
}

/** The SVG around a plot: title, legend, axes with ticks and grid lines, axis labels. */
function frame(
  options: ChartFrame,
  xScale: Scale,
  yScale: Scale,
  legend: readonly string[],
  body: (plot: Plot) => string,
): string {
  const width = options.width ?? 540;
  const height = options.height ?? 320;
  const top = MARGIN.top + (legend.length > 0 ? LEGEND_ROW * legendRows(legend, width) : 0);
  const left = MARGIN.left;
  const right = width - MARGIN.right;
  const bottom = height - MARGIN.bottom;
  const pad = options.padding ?? 0;
  const plot: Plot = {
    x: (v) => left + pad + xScale.position(v) * (right - left - 2 * pad),
    y: (v) => bottom - pad - yScale.position(v) * (bottom - top - 2 * pad),
  };
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" role="img" ${FONT}>`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
  );
  for (const tick of yScale.ticks) {
    const y = fmt(plot.y(tick.value));
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  for (const tick of xScale.ticks) {
    const x = fmt(plot.x(tick.value));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}" stroke="#555555"/>`,
      `<text x="${x}" y="${bottom + 18}" text-anchor="middle">${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<path d="M${left} ${top}V${bottom}H${right}" fill="none" stroke="#555555"/>`,
    body(plot),
    `<text x="${fmt((left + right) / 2)}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${fmt((top + bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
    legendItems(legend, left, width),
    '</svg>',
  );
  return parts.join('');
}

/** Rough width of a legend entry at 12 px; SVG cannot measure text without a script. */
function legendWidth(name: string): number {
  return 22 + name.length * 7 + 14;
}

function legendLayout(legend: readonly string[], width: number): { x: number; row: number }[] {
  const available = width - MARGIN.left - MARGIN.right;
  let x = 0;
  let row = 0;
  return legend.map((name) => {
    const w = legendWidth(name);
    if (x > 0 && x + w > available) {
      x = 0;
      row++;
    }
    const at = { x, row };
    x += w;
    return at;
  });
}

function legendRows(legend: readonly string[], width: number): number {
  return Math.max(...legendLayout(legend, width).map((p) => p.row)) + 1;
}

function legendItems(legend: readonly string[], left: number, width: number): string {
  return legendLayout(legend, width)
    .map(({ x, row }, i) => {
      const x0 = left + x;
      const y = MARGIN.top + row * LEGEND_ROW + 4;
      const colour = PALETTE[i % PALETTE.length]!;
      return (
        `<line x1="${x0}" x2="${x0 + 16}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="3"/>` +
        `<text x="${x0 + 22}" y="${y}" dominant-baseline="middle">${escapeXml(legend[i]!)}</text>`
      );
    })
    .join('');
}

/** A path through the points; a null y or a value outside the plot's scale breaks the line. */
function polyline(
  plot: Plot,
  xs: readonly number[],
  ys: readonly (number | null)[],
  colour: string,
  extra = '',
): string {
  let d = '';
  let pen = false;
  let pending = '';
  const flushDot = (): void => {
    // A lone point between gaps would draw nothing; a zero-length segment shows it as a dot.
    if (pending) d += `${pending}h0`;
    pending = '';
  };
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i];
    const py = y === null || y === undefined ? NaN : plot.y(y);
    if (!Number.isFinite(py)) {
      flushDot();
      pen = false;
      continue;
    }
    const point = `${fmt(plot.x(xs[i]!))} ${fmt(py)}`;
    if (!pen) {
      flushDot();
      pending = `M${point}`;
      pen = true;
    } else {
      d += pending ? `${pending}L${point}` : `L${point}`;
      pending = '';
    }
  }
  flushDot();
  if (d === '') return '';
  return (
    `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5" ` +
    `stroke-linejoin="round" stroke-linecap="round" ${extra}/>`
  );
}

function fmt(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}
