import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { renderReportHtml } from '../../report/render-html.js';
import { renderSweepHtml } from '../../report/render-sweep-html.js';
import type { ReportModelInput } from '../../report/report-model.js';
import { ChromiumPage, HeadlessChromium } from './headless-chromium.js';
import { sampleReportModel, XSS_NAME } from './sample-report.js';
import { sampleSweepModel } from './sample-sweep.js';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Layout {
  sections: string[];
  tables: { className: string; rows: number; box: Box; visible: boolean }[];
  images: { complete: boolean; naturalWidth: number; box: Box; visible: boolean }[];
  charts: { box: Box; visible: boolean }[];
  leakFlag: { box: Box; visible: boolean; background: string } | null;
  title: string;
  heading: string;
  pwned: number | null;
  resources: string[];
}

/** Runs in the page: where each table, image and chart landed and whether it is visible. */
const LAYOUT = `(async () => {
  await document.fonts.ready;
  await Promise.all([...document.images].map((img) => img.decode().catch(() => {})));
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
  };
  const visible = (el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  const flag = document.querySelector('.flag.leak');
  return {
    sections: [...document.querySelectorAll('main section')].map((s) => s.id),
    tables: [...document.querySelectorAll('main table')].map((t) => ({
      className: t.className, rows: t.rows.length, box: box(t), visible: visible(t),
    })),
    images: [...document.images].map((img) => ({
      complete: img.complete, naturalWidth: img.naturalWidth, box: box(img), visible: visible(img),
    })),
    charts: [...document.querySelectorAll('svg.chart')].map((s) => ({ box: box(s), visible: visible(s) })),
    leakFlag: flag && { box: box(flag), visible: visible(flag), background: getComputedStyle(flag).backgroundColor },
    title: document.title,
    heading: document.querySelector('h1').textContent,
    pwned: window.__pwned ?? null,
    resources: performance.getEntriesByType('resource').map((e) => e.name),
  };
})()`;

const WIDTH = 1200;

describe('the report in headless Chromium', function () {
  this.timeout(120_000);
  let dir: string;
  let browser: HeadlessChromium | undefined;
  let model: ReportModelInput;
  let page: ChromiumPage;
  let layout: Layout;
  let screenshot: { data: Buffer; width: number; height: number; channels: number };

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), 'sfe-report-browser-'));
    model = await sampleReportModel({ name: XSS_NAME, gradcamImages: 4 });
    await mkdir(path.join(dir, 'exp-3f9a2c'));
    await writeFile(path.join(dir, 'exp-3f9a2c', 'report.html'), renderReportHtml(model));
    browser = await HeadlessChromium.launch();
    page = await browser.open(
      pathToFileURL(path.join(dir, 'exp-3f9a2c', 'report.html')).href,
      WIDTH,
      900,
    );
    layout = await page.evaluate<Layout>(LAYOUT);
    const png = await page.screenshot();
    const shotDir = process.env.SFE_REPORT_SCREENSHOT_DIR;
    if (shotDir) await writeFile(path.join(shotDir, 'report.png'), png);
    const { data, info } = await sharp(png)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    screenshot = { data, width: info.width, height: info.height, channels: info.channels };
  });

  after(async function () {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lays out every section', () => {
    assert.deepEqual(layout.sections, [
      'legend',
      'accuracy',
      'detection',
      'imagenet-o',
      'data',
      'training',
      'gradcam',
      'stages',
      'config',
    ]);
  });

  it('shows every table, with size and drawn content', () => {
    const names = layout.tables.map((t) => t.className);
    for (const expected of [
      'headline',
      'detection',
      'imagenet-o',
      'counts',
      'leak-examples',
      'stages',
    ]) {
      assert.ok(names.includes(expected), `table ${expected} among ${names.join(', ')}`);
    }
    for (const t of layout.tables) {
      assert.ok(t.visible, `${t.className} visible`);
      assert.ok(
        t.box.width > 100 && t.box.height > 20 * t.rows,
        `${t.className} box ${JSON.stringify(t.box)}`,
      );
      assert.ok(inkShare(screenshot, t.box) > 0.01, `${t.className} has text on screen`);
    }
    assert.equal(layout.tables.find((t) => t.className === 'headline')!.rows, 5);
  });

  it('loads and shows every Grad-CAM image, the pixels on screen matching the PNG', async () => {
    assert.equal(layout.images.length, 2 * model.gradcam.length);
    for (const [i, img] of layout.images.entries()) {
      assert.ok(img.complete && img.naturalWidth === 48, `image ${i}: ${JSON.stringify(img)}`);
      assert.ok(
        img.visible && img.box.width >= 96 && img.box.height >= 96,
        `image ${i} box ${JSON.stringify(img.box)}`,
      );
    }
    // The first image on screen, scaled back to 48 px, is the PNG the model holds.
    const first = model.gradcam[0]!.before;
    assert.ok('png' in first);
    const onScreen = await sharp(screenshot.data, {
      raw: { width: screenshot.width, height: screenshot.height, channels: 3 },
    })
      .extract(inset(layout.images[0]!.box, 0))
      .resize(48, 48, { fit: 'fill' })
      .raw()
      .toBuffer();
    const original = await sharp(first.png).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < original.length; i++) diff += Math.abs(original[i]! - onScreen[i]!);
    assert.ok(diff / original.length < 12, `mean difference ${diff / original.length}`);
  });

  it('draws every chart', () => {
    assert.equal(layout.charts.length, 6);
    for (const c of layout.charts) {
      assert.ok(c.visible && c.box.width > 300 && c.box.height > 200, JSON.stringify(c.box));
      assert.ok(inkShare(screenshot, c.box) > 0.01, 'chart drawn on screen');
    }
  });

  it('shows the leak flag in red', () => {
    assert.ok(layout.leakFlag?.visible);
    assert.equal(layout.leakFlag.background, 'rgb(253, 231, 229)');
  });

  it('shows the hostile experiment name as text and runs none of it', () => {
    assert.equal(layout.pwned, null);
    assert.equal(layout.heading, `SFE experiment ${XSS_NAME}`);
    assert.equal(layout.title, `SFE experiment ${XSS_NAME}`);
  });

  it('fetches nothing', () => {
    assert.deepEqual(layout.resources, []);
  });

  it('the sweep page shows its tables and plots and links to the best trial’s report', async () => {
    const sweepDir = path.join(dir, 'sweep-lr');
    await mkdir(sweepDir);
    await writeFile(
      path.join(sweepDir, 'index.html'),
      renderSweepHtml(sweepModelLinkingTo('../exp-3f9a2c/report.html')),
    );
    const sweep = await browser!.open(
      pathToFileURL(path.join(sweepDir, 'index.html')).href,
      WIDTH,
      900,
    );
    const result = await sweep.evaluate<{
      best: string;
      table: Box;
      charts: number;
      visible: boolean;
    }>(`(() => {
      const table = document.querySelector('table.trials').getBoundingClientRect();
      return {
        best: document.querySelector('#best a').href,
        table: { x: table.x, y: table.y, width: table.width, height: table.height },
        charts: [...document.querySelectorAll('svg.chart')].filter((s) => s.checkVisibility()).length,
        visible: document.querySelector('table.trials').checkVisibility(),
      };
    })()`);
    assert.equal(result.best, pathToFileURL(path.join(dir, 'exp-3f9a2c', 'report.html')).href);
    assert.ok(result.visible && result.table.height > 100, JSON.stringify(result.table));
    assert.equal(result.charts, 2);
    if (process.env.SFE_REPORT_SCREENSHOT_DIR) {
      await writeFile(
        path.join(process.env.SFE_REPORT_SCREENSHOT_DIR, 'sweep.png'),
        await sweep.screenshot(),
      );
    }
  });
});

function sweepModelLinkingTo(href: string) {
  const model = sampleSweepModel();
  for (const t of model.trials) if (t.trialId === 'trial-4') t.reportHref = href;
  return model;
}

function inset(box: Box, by: number): { left: number; top: number; width: number; height: number } {
  return {
    left: Math.round(box.x) + by,
    top: Math.round(box.y) + by,
    width: Math.round(box.width) - 2 * by,
    height: Math.round(box.height) - 2 * by,
  };
}

/** The share of dark pixels (text, lines) in a region: 0 for a blank or only bordered box. */
function inkShare(shot: { data: Buffer; width: number; channels: number }, box: Box): number {
  const r = inset(box, 2);
  let dark = 0;
  for (let y = r.top; y < r.top + r.height; y++) {
    for (let x = r.left; x < r.left + r.width; x++) {
      const o = (y * shot.width + x) * shot.channels;
      if (shot.data[o]! + shot.data[o + 1]! + shot.data[o + 2]! < 3 * 128) dark++;
    }
  }
  return dark / (r.width * r.height);
}
