import { mcnemarExact, wilsonInterval } from '../ml/metrics/statistics.js';
/** Number formats shared by the report and sweep pages, so a figure reads the same everywhere. */

export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A score in [0, 1] such as an AUROC. */
export function formatScore(value: number): string {
  return value.toFixed(3);
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Enough significant digits for a metric or parameter value, without float noise. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return Number(value.toPrecision(3)).toExponential();
  return String(Number(value.toPrecision(4)));
}

/** "96.9% (31/32, 95% CI 84.3–99.4%)": a rate never without its count and Wilson interval. */
export function formatAccuracy(correct: number, total: number): string {
  const { low, high } = wilsonInterval(correct, total);
  return `${formatPercent(correct / total)} (${correct}/${total}, 95% CI ${(100 * low).toFixed(1)}–${formatPercent(high)})`;
}

/** A p-value to three decimals, or "< 0.001". */
export function formatPValue(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** "b = 2, c = 8, p = 0.109": the exact McNemar test of a paired comparison. */
export function formatMcnemar(b: number, c: number): string {
  return `b = ${b}, c = ${c}, p ${formatPValue(mcnemarExact(b, c).pValue).replace(/^(?!<)/, '= ')}`;
}
