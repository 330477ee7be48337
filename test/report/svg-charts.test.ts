import assert from 'node:assert/strict';
import { lineChart, rocChart, scatterChart } from '../../report/svg-charts.js';
import { linearScale, logScale } from '../../report/svg-scale.js';
import { xmlStructureProblems } from './xml-structure.js';

const EVIL = '<script>alert("x")</script> & co';

function pathPointCount(svg: string): number[] {
  return [...svg.matchAll(/<path d="([^"]*)"[^>]*stroke-width="1.5"/g)].map(
    (m) => (m[1]!.match(/[ML]/g) ?? []).length,
  );
}

describe('SVG charts', () => {
  const x = Array.from({ length: 25_000 }, (_, i) => i + 1);
  const series = [
    { name: 'D PG', x, y: x.map((i) => 0.6 + 0.1 * Math.exp(-i / 4000) + ((i * 31) % 17) / 500) },
    { name: 'D NG', x, y: x.map((i) => 0.65 + 0.05 * Math.cos(i / 100)) },
  ];

  it('draws a well-formed SVG with a title, axes, ticks and a legend entry per series', () => {
    const svg = lineChart({
      title: 'Discriminator loss',
      xLabel: 'Iteration',
      yLabel: 'BCE',
      series,
    });
    assert.deepEqual(xmlStructureProblems(svg), []);
    assert.match(svg, /^<svg [^>]*viewBox="0 0 540 320"/);
    assert.match(svg, /<title>Discriminator loss<\/title>/);
    assert.match(svg, />Iteration<\/text>/);
    assert.match(svg, />D PG<\/text>/);
    assert.match(svg, />D NG<\/text>/);
    assert.match(svg, />25000<\/text>/, 'the x axis reaches the last iteration');
    assert.ok((svg.match(/<text /g) ?? []).length >= 10, 'tick labels');
  });

  it('downsamples 25,000 points to the point budget per series', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series, maxPoints: 600 });
    const counts = pathPointCount(svg);
    assert.equal(counts.length, 2);
    for (const c of counts) assert.ok(c > 300 && c <= 600, `${c} points drawn`);
  });

  it('is deterministic: the same input gives the same bytes', () => {
    const a = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series });
    const b = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: structuredClone(series) });
    assert.equal(a, b);
  });

  it('escapes every text: title, labels and series names', () => {
    const svg = lineChart({
      title: EVIL,
      xLabel: EVIL,
      yLabel: EVIL,
      series: [{ name: EVIL, x: [1, 2], y: [1, 2] }],
    });
    assert.ok(!svg.includes('<script'), 'no raw script tag');
    assert.ok(svg.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'));
    assert.deepEqual(xmlStructureProblems(svg), []);
  });

  it('breaks the line at a null (a diverged loss) instead of joining across it', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 's', x: [1, 2, 3, 4, 5], y: [1, 2, null, 4, 5] }],
    });
    const d = /<path d="([^"]*)"[^>]*stroke-width="1.5"/.exec(svg)![1]!;
    assert.equal((d.match(/M/g) ?? []).length, 2, d);
  });

  it('rejects a series whose x and y lengths differ', () => {
    assert.throws(
      () =>
        lineChart({
          title: 't',
          xLabel: 'x',
          yLabel: 'y',
          series: [{ name: 's', x: [1], y: [1, 2] }],
        }),
      /series s: 1 x values but 2 y values/,
    );
  });

  it('draws the ROC on the unit square with the chance diagonal and the AUROC in the legend', () => {
    const points = [0, 0.1, 0.3, 1].map((fpr, i) => ({ fpr, tpr: [0, 0.6, 0.9, 1][i]! }));
    const svg = rocChart({ title: 'ROC', xLabel: 'FPR', yLabel: 'TPR' }, [
      { name: 'AdvD', auroc: 0.8766, points },
    ]);
    assert.deepEqual(xmlStructureProblems(svg), []);
    assert.match(svg, />AdvD \(AUROC 0\.877\)<\/text>/);
    assert.match(svg, /stroke-dasharray="4 4"/);
    assert.match(svg, />0\.0<\/text>/);
    assert.match(svg, />1\.0<\/text>/);
  });

  it('draws one circle per scatter point with an escaped tooltip and a highlighted best', () => {
    const svg = scatterChart({
      title: 'lr',
      xLabel: 'lr',
      yLabel: 'objective',
      xScale: 'log',
      points: [
        { x: 1e-5, y: 0.5, label: 'trial-0' },
        { x: 1e-3, y: 0.7, label: EVIL, highlight: true },
      ],
    });
    assert.deepEqual(xmlStructureProblems(svg), []);
    assert.equal((svg.match(/<circle /g) ?? []).length, 2);
    assert.equal((svg.match(/ r="6"/g) ?? []).length, 1);
    assert.ok(!svg.includes('<script'));
  });
});

describe('axis scales', () => {
  it('widens a linear range to round ticks that cover the data', () => {
    const s = linearScale([0.013, 0.987]);
    assert.ok(s.min <= 0.013 && s.max >= 0.987);
    assert.deepEqual(
      s.ticks.map((t) => t.label),
      ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0'],
    );
    assert.equal(s.position(s.min), 0);
    assert.equal(s.position(s.max), 1);
  });

  it('keeps a fixed range exactly', () => {
    const s = linearScale([], [0, 1]);
    assert.equal(s.min, 0);
    assert.equal(s.max, 1);
  });

  it('puts log ticks on round values around the data', () => {
    const s = logScale([0.013, 1.2]);
    assert.equal(s.min, 0.01);
    assert.equal(s.max, 2);
    assert.deepEqual(
      s.ticks.map((t) => t.label),
      ['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1', '2'],
    );
    assert.ok(Math.abs(s.position(0.1) - Math.log10(10) / Math.log10(200)) < 1e-12);
  });

  it('gives a flat series a non-empty range', () => {
    const s = linearScale([3, 3, 3]);
    assert.ok(s.max > s.min);
  });
});
