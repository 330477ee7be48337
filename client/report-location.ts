import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedReportKeys } from '../pipeline/stages/report-stage.js';
import { openStore } from '../store/open-store.js';

/** Where a person opens an experiment's report: a file path for a local store, else its URI. */
export function reportLocation(
  storageUri: string,
  experimentId: string,
): { html: string; metrics: string } {
  const store = openStore(storageUri);
  const keys = publishedReportKeys(experimentId);
  const at = (key: string) =>
    store.uri.startsWith('file://')
      ? path.join(fileURLToPath(store.uri), key)
      : `${store.uri.replace(/\/$/, '')}/${key}`;
  return { html: at(keys.html), metrics: at(keys.metrics) };
}
