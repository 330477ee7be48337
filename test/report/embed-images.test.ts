import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embedReportImages } from '../../report/embed-images.js';
import { renderReportHtml } from '../../report/render-html.js';
import type { ReportModelInput } from '../../report/report-model.js';
import { ArtifactNotFoundError } from '../../store/artifact-store.js';
import { LocalStore } from '../../store/local-store.js';
import { sampleReportModel } from './sample-report.js';

describe('embedReportImages', () => {
  let dir: string;
  let store: LocalStore;
  let byKey: ReportModelInput;
  let afterPng: Uint8Array;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sfe-report-'));
    store = new LocalStore(dir);
    // The sample model with its Grad-CAM pair stored under keys, as workflow payloads carry it.
    const model = await sampleReportModel({ gradcamImages: 1, ganIterations: 10 });
    const entry = model.gradcam[0]!;
    assert.ok('png' in entry.before && 'png' in entry.after);
    await store.put('exp/gradcam/0-before.png', entry.before.png);
    await store.put('exp/gradcam/0-after.png', entry.after.png);
    afterPng = entry.after.png;
    const before = { key: 'exp/gradcam/0-before.png' };
    const after = { key: 'exp/gradcam/0-after.png' };
    byKey = { ...model, gradcam: [{ ...entry, before, after }] };
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows where an image is missing when it was not embedded', () => {
    assert.match(
      renderReportHtml(byKey),
      /image not embedded: <span class="mono">exp\/gradcam\/0-before\.png/,
    );
  });

  it('embeds the stored PNG bytes in place of the keys', async () => {
    const html = renderReportHtml(await embedReportImages(byKey, store));
    assert.ok(html.includes(Buffer.from(afterPng).toString('base64')));
    assert.doesNotMatch(html, /image not embedded/);
  });

  it('fails, naming the key, when a stored image is missing', async () => {
    await store.delete('exp/gradcam/0-after.png');
    await assert.rejects(
      embedReportImages(byKey, store),
      (e: unknown) => e instanceof ArtifactNotFoundError && e.key === 'exp/gradcam/0-after.png',
    );
  });
});
