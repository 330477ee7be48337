import { ApplicationFailure } from '@temporalio/activity';
import {
  compareProtocols,
  comparedMetricsSchema,
  comparisonKeys,
  type Comparison,
} from '../pipeline/compare/comparison.js';
import { publishedReportKeys } from '../pipeline/stages/report-stage.js';
import { renderComparisonHtml } from '../report/render-comparison-html.js';
import { openStore } from '../store/open-store.js';

/**
 * Reads the finished experiments' metrics.json and writes the side-by-side page and its JSON to
 * `comparisons/<id>/`. Rewriting both on a retry is harmless: they are derived, never inputs.
 */
export async function writeComparison(request: {
  storageUri: string;
  compareId: string;
  experimentIds: string[];
}): Promise<Comparison> {
  const store = openStore(request.storageUri);
  const metrics = [];
  for (const id of request.experimentIds) {
    const key = publishedReportKeys(id).metrics;
    const parsed = comparedMetricsSchema.safeParse(
      JSON.parse(new TextDecoder().decode(await store.get(key))),
    );
    if (!parsed.success) {
      throw ApplicationFailure.nonRetryable(
        `${key}: not the metrics.json of a finished experiment (${parsed.error.message})`,
        'InputError',
      );
    }
    metrics.push(parsed.data);
  }
  const comparison = compareProtocols(request.compareId, metrics, new Date().toISOString());
  const keys = comparisonKeys(request.compareId);
  const encode = (text: string) => new TextEncoder().encode(text);
  await store.put(keys.html, encode(renderComparisonHtml(comparison)));
  await store.put(keys.json, encode(`${JSON.stringify(comparison, null, 2)}\n`));
  return comparison;
}
