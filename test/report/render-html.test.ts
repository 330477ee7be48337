import assert from 'node:assert/strict';
import { ZodError } from 'zod';
import { renderReportHtml } from '../../report/render-html.js';
import { renderMetricsJson } from '../../report/render-metrics-json.js';
import { dataSchema } from '../../config-schema/data-schema.js';
import { describeData } from '../../report/data-description.js';
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

  it('gives every accuracy its 95% Wilson interval and every comparison its exact McNemar test', () => {
    // 415/528 → [74.9%, 81.9%] and 15/528 → [1.7%, 4.6%] (statistics.test.ts checks the formula).
    assert.match(html, /\(415\/528\)<\/span><br><span class="muted ci">\[74\.9%, 81\.9%\]/);
    assert.match(html, /\(15\/528\)<\/span><br><span class="muted ci">\[1\.7%, 4\.6%\]/);
    // b = 2, c = 402: p far below 0.001; b = 15, c = 6: 2·Σ_{i≤6} C(21, i)/2²¹ = 0.078.
    assert.match(html, /b = 2, c = 402, p &lt; 0\.001/);
    assert.match(html, /b = 15, c = 6, p = 0\.078/);
  });

  it('reads "0/32 → 0/32" as what it is: a wide interval and no evidence either way', async () => {
    const tiny = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    const none = { correct: 0, total: 32 };
    tiny.accuracy.adversarial.all1000 = {
      undefended: none,
      defended: none,
      paired: { b: 0, c: 0 },
    };
    const page = renderReportHtml(tiny);
    // Wilson upper bound at 0/n: z²/(n + z²) = 3.8416/35.8416 = 10.7%.
    assert.match(
      page,
      /0\.0% <span class="muted">\(0\/32\)<\/span><br><span class="muted ci">\[0\.0%, 10\.7%\]/,
    );
    assert.match(page, /b = 0, c = 0, p = 1\.000/);
  });

  it('rejects paired counts that do not match the accuracies, naming the path', async () => {
    const bad = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    bad.accuracy.benign.all1000.paired = { b: 1, c: 1 };
    assert.throws(
      () => renderReportHtml(bad),
      (e: unknown) =>
        e instanceof ZodError &&
        e.issues.some((i) => i.path.join('.') === 'accuracy.benign.all1000.paired'),
    );
  });

  it("sets the training images' figures beside the test ones when they are far above them", async () => {
    assert.match(
      html,
      /<p id="fit">On the training images .*adversarial 1\.9% → 97\.1%, benign 94\.7% → 94\.2%.*up to 22 points above/,
    );
    const withoutFit = { ...model };
    delete withoutFit.fit;
    assert.doesNotMatch(renderReportHtml(withoutFit), /id="fit"/);
    // Training figures close to the test ones (76.1% adversarial, 72.0% benign defended): no sentence.
    const close = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    close.fit!.adversarial.defended = { correct: 1700, total: 2112 };
    close.fit!.benign.defended = { correct: 1550, total: 2112 };
    assert.doesNotMatch(renderReportHtml(close), /id="fit"/);
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

  it('describes an attacked data set and prints the accuracy before and after the attack', async () => {
    const attacked = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    attacked.data.description = describeData(
      dataSchema.parse({
        kind: 'folder',
        benignRoot: '/photos',
        adversarialFrom: 'attack',
        attack: { method: 'pgd', epsilon: 0.008, steps: 5, stepSize: 0.004 },
      }),
    );
    attacked.data.attack = {
      method: 'pgd',
      epsilon: 0.008,
      steps: 5,
      photos: 200,
      views: 400,
      cleanCorrect: 250,
      attackedCorrect: 10,
    };
    const page = renderReportHtml(attacked);
    assert.match(page, /perturbed by PGD \(5 steps\) against the target model, L∞ ε = 2\/255/);
    assert.match(
      page,
      /on 400 views of 200 photos: it named 250 \(62\.5%\) right before the attack and 10 \(2\.5%\) after/,
    );
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
    assert.match(html, /4 of 6 stages computed in 15 min 39 s; 2 reused from the cache/);
  });

  it('shows the config as YAML, as sfe config show prints it', () => {
    assert.match(html, /<pre class="config">seed: 0\nsplit:\n {2}protocol: paper\n/);
  });

  it('explains PG, NG, SF, TF and D before the tables use them', () => {
    const legend = html.indexOf('<section id="legend">');
    assert.ok(legend >= 0 && legend < html.indexOf('<section id="accuracy">'));
    for (const term of ['PG', 'NG', 'SF', 'TF', 'D', 'AdvD']) {
      assert.match(html, new RegExp(`<dt>${term}</dt><dd>[^<]{10,}</dd>`), term);
    }
  });

  it('names each Grad-CAM example’s test set and what the defense did to it', () => {
    assert.match(
      html,
      /stingray<br><span class="muted">adversarial test · fixed by the defense<\/span>/,
    );
    assert.match(
      html,
      /stingray<br><span class="muted">benign test · broken by the defense<\/span>/,
    );
  });

  it('says what the data is: the demo world is not ImageNet', async () => {
    const demo = await sampleReportModel({ gradcamImages: 0, ganIterations: 10 });
    demo.data.description = describeData(dataSchema.parse({ kind: 'demo', classes: 4 }));
    demo.data.classNames = ['circle', 'square', 'triangle', 'star'];
    demo.data.classes = 4;
    // Four classes, all of them in ImageNet-A's wnid list: the 200-class protocol is the 4-way one.
    demo.accuracy.classes = { model: 4, imagenetA: 4 };
    delete demo.imagenetO;
    // (The sample's file names carry wnids; a demo world's would not.)
    demo.data.problems = { count: 0, first: [] };
    demo.data.leakage.examples = [];
    const page = renderReportHtml(demo);
    assert.match(
      page,
      /<p id="data-description">Demo world \(not ImageNet\): 4 procedurally generated shape classes/,
    );
    assert.match(page, /4 classes: circle, square, triangle, star\./);
    assert.match(
      page,
      /Adversarial test \(demo world, misleading background\)<\/td><td>4-way argmax/,
    );
    assert.doesNotMatch(page, /ImageNet-A|200-class|n0\d{7}/);
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
    const defended = metrics.accuracy.adversarial.imagenetA200.defended;
    assert.deepEqual(Object.keys(defended), ['accuracy', 'correct', 'total', 'interval95']);
    assert.equal(defended.accuracy, 415 / 528);
    assert.equal(defended.correct, 415);
    assert.equal(defended.total, 528);
    assert.ok(Math.abs(defended.interval95.low - 0.749001) < 1e-6, defended.interval95.low);
    assert.ok(Math.abs(defended.interval95.high - 0.818838) < 1e-6, defended.interval95.high);
    const mcnemar = metrics.accuracy.benign.imagenetA200.mcnemar;
    assert.equal(mcnemar.b, 15);
    assert.equal(mcnemar.c, 6);
    assert.ok(Math.abs(mcnemar.pValue - 0.0783538818359375) < 1e-12, mcnemar.pValue);
    assert.equal(metrics.defenseModule, 'sfe-pg');
    assert.equal(metrics.detection.auroc, model.detection.auroc);
    assert.equal(metrics.fit.adversarial.defended.correct, 2050);
    assert.equal(metrics.fit.adversarial.defended.total, 2112);
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
