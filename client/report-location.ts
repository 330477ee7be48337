import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedReportKeys } from '../pipeline/stages/report-stage.js';
import { openStore } from '../store/open-store.js';

/** Where a person opens a key of the store: a file path for a local store, else its URI. */
export function reportLocationOf(storageUri: string, key: string): string {
  const store = openStore(storageUri);
  return store.uri.startsWith('file://')
    ? path.join(fileURLToPath(store.uri), key)
    : `${store.uri.replace(/\/$/, '')}/${key}`;
}

/** Where an experiment's report and metrics are. */
export function reportLocation(
  storageUri: string,
  experimentId: string,
): { html: string; metrics: string } {
  const keys = publishedReportKeys(experimentId);
  return {
    html: reportLocationOf(storageUri, keys.html),
    metrics: reportLocationOf(storageUri, keys.metrics),
  };
}
