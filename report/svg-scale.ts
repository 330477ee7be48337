import { formatNumber } from './format.js';

/** A mapping from data values to [0, 1] along one axis, with the ticks to label it. */
export interface Scale {
  readonly kind: 'linear' | 'log';
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly { value: number; label: string }[];
  /** 0 at `min`, 1 at `max`. */
  position(value: number): number;
}

/**
 * A linear scale over the data's range widened to round tick values (1, 2 or 5 × 10^k), or over
 * `fixed` exactly (e.g. [0, 1] for rates).
 */
export function linearScale(
  values: readonly number[],
  fixed?: readonly [number, number],
  targetTicks = 5,
): Scale {
  let [lo, hi] = fixed ?? extent(values);
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / targetTicks);
  if (!fixed) {
    lo = Math.floor(lo / step) * step;
    hi = Math.ceil(hi / step) * step;
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: { value: number; label: string }[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    const value = Number((k * step).toFixed(decimals));
    ticks.push({ value, label: value.toFixed(decimals) });
  }
  const min = lo;
  const span = hi - lo;
  return { kind: 'linear', min, max: hi, ticks, position: (v) => (v - min) / span };
}

/**
 * A log10 scale from the largest 1, 2 or 5 × 10^k at or below the smallest value to the
 * smallest one at or above the largest, with ticks at those round values. Values must be
 * positive; `axisScale` falls back to linear when they are not.
 */
export function logScale(values: readonly number[]): Scale {
  const [lo, hi] = extent(values);
  const minExp = Math.floor(Math.log10(lo));
  const maxExp = Math.ceil(Math.log10(hi));
  const candidates: number[] = [];
  for (let e = minExp - 1; e <= maxExp; e++) {
    for (const m of [1, 2, 5]) candidates.push(Number((m * 10 ** e).toPrecision(1)));
  }
  const min = Math.max(...candidates.filter((v) => v <= lo));
  let max = Math.min(...candidates.filter((v) => v >= hi));
  if (max <= min) max = candidates[candidates.indexOf(min) + 1]!;
  // Over a few decades, 2× and 5× ticks keep the axis readable; beyond, they crowd it.
  const everyRoundValue = Math.log10(max / min) <= 2.5;
  const ticks = candidates
    .filter((v) => v >= min && v <= max)
    .filter((v) => everyRoundValue || v === min || v === max || v.toExponential().startsWith('1'))
    .map((value) => ({ value, label: formatNumber(value) }));
  const logMin = Math.log10(min);
  const logSpan = Math.log10(max) - logMin;
  return { kind: 'log', min, max, ticks, position: (v) => (Math.log10(v) - logMin) / logSpan };
}

/** The requested kind of scale, or linear where a log scale cannot show every value. */
export function axisScale(
  kind: 'linear' | 'log',
  values: readonly number[],
  fixed?: readonly [number, number],
): Scale {
  if (kind === 'log' && !fixed && values.length > 0 && values.every((v) => v > 0)) {
    return logScale(values);
  }
  return linearScale(values, fixed);
}

function extent(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const nice = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return nice * magnitude;
}
