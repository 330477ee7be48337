/**
 * Uncertainty for accuracies measured on a finite test set: a 95% Wilson score interval for one
 * proportion, and the exact McNemar test for two classifiers scored on the same images.
 */

export interface Interval {
  low: number;
  high: number;
}

/**
 * Wilson score interval for `successes` of `n`. Unlike the normal approximation it stays inside
 * [0, 1] and is not empty at 0/n or n/n, which is where small demo test sets live.
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): Interval {
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`wilsonInterval: n must be a positive integer, found ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new Error(
      `wilsonInterval: successes must be an integer in [0, ${n}], found ${successes}`,
    );
  }
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The bounds are exactly 0 and 1 at the extremes; rounding must not push them past.
  return {
    low: successes === 0 ? 0 : Math.max(0, center - half),
    high: successes === n ? 1 : Math.min(1, center + half),
  };
}

export interface McNemarResult {
  /** Images right without the defense and wrong with it. */
  b: number;
  /** Images wrong without the defense and right with it. */
  c: number;
  /** Two-sided exact p-value: 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, 1/2), at most 1. */
  pValue: number;
}

/**
 * Exact McNemar test on the discordant pairs of a paired comparison. Only the images on which
 * the two classifiers disagree carry information; under "no difference" each is equally likely
 * to fall either way.
 */
export function mcnemarExact(b: number, c: number): McNemarResult {
  for (const [name, value] of [
    ['b', b],
    ['c', c],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`mcnemarExact: ${name} must be a non-negative integer, found ${value}`);
    }
  }
  const n = b + c;
  const k = Math.min(b, c);
  // log C(n, i) − n·log 2, summed in log space so that large n does not underflow 2^−n.
  const logHalfPowerN = -n * Math.LN2;
  const logTerms: number[] = [];
  let logChoose = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log((n - i + 1) / i);
    logTerms.push(logChoose + logHalfPowerN);
  }
  const max = Math.max(...logTerms);
  const tail = Math.exp(max) * logTerms.reduce((sum, t) => sum + Math.exp(t - max), 0);
  return { b, c, pValue: Math.min(1, 2 * tail) };
}

/** b and c of `mcnemarExact` from per-image correctness before and after the defense. */
export function discordantPairs(
  before: readonly boolean[],
  after: readonly boolean[],
): { b: number; c: number } {
  if (before.length !== after.length) {
    throw new Error(`discordantPairs: ${before.length} paired with ${after.length} outcomes`);
  }
  let b = 0;
  let c = 0;
  before.forEach((right, i) => {
    if (right && !after[i]) b++;
    if (!right && after[i]) c++;
  });
  return { b, c };
}
