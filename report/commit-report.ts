import type { ArtifactStore } from '../store/artifact-store.js';
import { commitArtifact, type Manifest } from '../store/artifact-commit.js';
import { embedReportImages } from './embed-images.js';
import { renderMetricsJson } from './render-metrics-json.js';
import { renderReportHtml } from './render-html.js';
import type { ReportModelInput } from './report-model.js';

export const REPORT_HTML = 'report.html';
export const METRICS_JSON = 'metrics.json';

/**
 * The report stage's output: the page (Grad-CAM images embedded from the store) and
 * metrics.json, committed together under `prefix` so that no reader sees one without the other.
 * Returns the committed manifest; `readPart(store, manifest, REPORT_HTML)` reads the page back.
 */
export async function commitReport(
  store: ArtifactStore,
  prefix: string,
  model: ReportModelInput,
): Promise<Manifest> {
  const embedded = await embedReportImages(model, store);
  const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
  return commitArtifact(store, prefix, [
    { name: REPORT_HTML, data: utf8(renderReportHtml(embedded)) },
    { name: METRICS_JSON, data: utf8(renderMetricsJson(embedded)) },
  ]);
}
