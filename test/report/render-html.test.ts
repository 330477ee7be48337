import assert from 'node:assert/strict';
import { ZodError } from 'zod';
import { renderReportHtml } from '../../report/render-html.js';
import { renderMetricsJson } from '../../report/render-metrics-json.js';
import type { ReportModelInput } from '../../report/report-model.js';
import { sampleReportModel, XSS_NAME } from './sample-report.js';
import { HTML_VOID_ELEMENTS, xmlStructureProblems } from './xml-structure.js';

describe('renderReportHtml', function () {
  let model: ReportModelInput;
  let html: string;

  before(async function () {
    model = await sampleReportModel({ name: XSS_NAME });
    html = renderReportHtml(model);
  });

  it('is one well-formed HTML document with every section', () => {
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.deepEqual(xmlStructureProblems(html, HTML_VOID_ELEMENTS), []);
    for (const id of [
      'accuracy',
      'detection',
      'imagenet-o',
      'data',
      'training',
      'gradcam',
      'stages',
      'config',
    ]) {
      assert.match(html, new RegExp(`<section id="${id}">`), id);
    }
  });

  it('prints accuracies as percentages with their counts, and the change in points', () => {
    // The seed paper's figures: 15/528 undefended, 415/528 defended (200-class protocol).
    assert.match(html, /2\.8% <span class="muted">\(15\/528\)<\/span>/);
    assert.match(html, /78\.6% <span class="muted">\(415\/528\)<\/span>/);
    assert.match(html, /\+75\.8 pp/);
    assert.match(html, /−1\.7 pp/, 'the benign regression (450 → 441 of 528)');
  });

  it("sets the training images' figures beside the test ones, so that a defense that only fits shows", () => {
    assert.match(
      html,
      /<p id="fit">On the training images .*adversarial 1\.9% → 97\.1%, benign 94\.7% → 94\.2%/,
    );
    const withoutFit = { ...model };
    delete withoutFit.fit;
    assert.doesNotMatch(renderReportHtml(withoutFit), /id="fit"/);
  });

  it('prints the detection and ImageNet-O figures', () => {
    assert.match(html, /Accuracy at threshold 0\.5<\/td><td class="num">91\.2%/);
    assert.match(html, /AUROC<\/td><td class="num">0\.957/);
    assert.match(html, /TPR at 5% FPR<\/td><td class="num">80\.3%/);
    assert.match(html, /FPR at 95% TPR<\/td><td class="num">0\.912<\/td><td class="num">0\.874/);
  });

  it('escapes the experiment name and every other user string (XSS)', () => {
    assert.ok(!html.includes('<script'), 'no script element at all');
    assert.ok(!/<img [^>]*onerror/.test(html), 'no injected event handler');
    assert.ok(html.includes('&lt;script&gt;window.__pwned=2&lt;/script&gt;'));
  });

  it('references no external resource: no remote src/href/url(), a CSP that forbids fetching', () => {
    const remote = /(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\/|url\(\s*["']?\s*(?:https?:)?\/\//i;
    assert.doesNotMatch(html, remote);
    const urls = html.match(/https?:\/\/[^\s"'<>]*/g) ?? [];
    assert.deepEqual(
      [...new Set(urls)],
      ['http://www.w3.org/2000/svg'],
      'only the SVG namespace name',
    );
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:/);
  });

  it('flags a train/test leak visibly, and says so when there is none', async () => {
    assert.match(html, /class="flag leak" role="alert">⚠ Train\/test leak: 12 exact and 431 near/);
    const clean = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    clean.data.leakage = {
      protocol: 'leak-free',
      exactDuplicates: 0,
      nearDuplicates: 0,
      examples: [],
    };
    const cleanHtml = renderReportHtml(clean);
    assert.match(cleanHtml, /class="flag ok">✓ No exact or near duplicates/);
    assert.doesNotMatch(cleanHtml, /flag leak/);
  });

  it('embeds every Grad-CAM image as a PNG data: URI', () => {
    const images = [
      ...html.matchAll(/<img alt="[^"]*" src="data:image\/png;base64,([A-Za-z0-9+/=]+)">/g),
    ];
    assert.equal(images.length, 2 * model.gradcam.length);
    const first = model.gradcam[0]!.before;
    assert.ok('png' in first);
    assert.equal(images[0]![1], Buffer.from(first.png).toString('base64'));
  });

  it('draws the training curves and the ROC as inline SVG', () => {
    assert.equal((html.match(/<svg /g) ?? []).length, 1 + 3 + 2, 'ROC + 3 GAN + 2 AdvD charts');
    assert.match(html, /AdvD \(AUROC 0\.957\)/);
  });

  it('lists the stages, cached and computed, with the computed total', () => {
    assert.match(html, /<span class="badge cached">cached<\/span>/);
    assert.match(html, /3 of 5 stages computed in 15 min 38 s; 2 reused from the cache/);
  });

  it('shows the config pretty-printed and escaped', () => {
    assert.match(html, /<pre class="config">\{\n {2}&quot;seed&quot;: 0,/);
  });

  it('is deterministic', async () => {
    assert.equal(renderReportHtml(await sampleReportModel({ name: XSS_NAME })), html);
  });

  it('rejects a curve whose length does not match its x values, naming the path', async () => {
    const bad = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    bad.training.advd!.valLoss = [0.5];
    assert.throws(
      () => renderReportHtml(bad),
      (e: unknown) =>
        e instanceof ZodError &&
        e.issues.some(
          (i) =>
            i.path.join('.') === 'training.advd.valLoss' && /expected 25 values/.test(i.message),
        ),
    );
  });

  it('rejects image bytes that are not a PNG', async () => {
    const bad = await sampleReportModel({ gradcamImages: 1, ganIterations: 10 });
    bad.gradcam[0]!.after = { png: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]) };
    assert.throws(() => renderReportHtml(bad), /expected PNG bytes/);
  });
});

describe('renderMetricsJson', () => {
  it('gives the headline metrics with counts, in a stable key order', async () => {
    const model = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    const text = renderMetricsJson(model);
    const metrics = JSON.parse(text);
    assert.deepEqual(Object.keys(metrics), [
      'schemaVersion',
      'experimentId',
      'configHash',
      'codeVersion',
      'createdAt',
      'backend',
      'defenseModule',
      'accuracy',
      'fit',
      'detection',
      'imagenetO',
      'leakage',
    ]);
    assert.deepEqual(metrics.accuracy.adversarial.imagenetA200.defended, {
      accuracy: 415 / 528,
      correct: 415,
      total: 528,
    });
    assert.equal(metrics.defenseModule, 'sfe-pg');
    assert.equal(metrics.detection.auroc, model.detection.auroc);
    assert.deepEqual(metrics.fit.adversarial.defended, {
      accuracy: 2050 / 2112,
      correct: 2050,
      total: 2112,
    });
    assert.deepEqual(metrics.leakage, {
      protocol: 'paper',
      exactDuplicates: 12,
      nearDuplicates: 431,
    });
    // The same metrics built in another key order serialise to the same bytes.
    const reordered = Object.fromEntries(Object.entries(model).reverse()) as ReportModelInput;
    assert.equal(renderMetricsJson(reordered), text);
    assert.ok(text.endsWith('}\n'));
  });

  it('leaves out ImageNet-O when it was not evaluated', async () => {
    const model = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    delete model.imagenetO;
    assert.ok(!('imagenetO' in JSON.parse(renderMetricsJson(model))));
  });
});
