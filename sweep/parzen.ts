import type { Rng } from '../ml/rng.js';

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): enough for truncation masses. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const y = 1 - poly * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** Truncation is by rejection; a component that keeps missing the range yields its centre. */
const MAX_REJECTIONS = 64;

/**
 * A Parzen estimator over [low, high]: one gaussian per observation plus a wide prior component,
 * each truncated to the range. Bandwidths follow hyperopt's TPE: the larger gap to a neighbour,
 * clipped to [range / min(100, n + 1), range], so a lone point still covers the range sensibly.
 */
export class TruncatedParzen {
  private readonly mus: number[];
  private readonly sigmas: number[];
  private readonly logMasses: number[];

  constructor(
    points: readonly number[],
    private readonly low: number,
    private readonly high: number,
  ) {
    const range = high - low;
    const components = [
      ...points.map((mu) => ({ mu, prior: false })),
      { mu: (low + high) / 2, prior: true },
    ].sort((a, b) => a.mu - b.mu);
    const minSigma = range / Math.min(100, points.length + 1);
    this.mus = components.map((c) => c.mu);
    this.sigmas = components.map(({ mu, prior }, i) => {
      if (prior) return range;
      const left = mu - (i > 0 ? components[i - 1]!.mu : low);
      const right = (i < components.length - 1 ? components[i + 1]!.mu : high) - mu;
      return Math.min(range, Math.max(minSigma, left, right));
    });
    this.logMasses = this.mus.map((m, i) => {
      const s = this.sigmas[i]!;
      return Math.log(normalCdf((high - m) / s) - normalCdf((low - m) / s));
    });
  }

  sample(rng: Rng): number {
    const k = rng.int(this.mus.length);
    const mu = this.mus[k]!;
    const sigma = this.sigmas[k]!;
    for (let attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
      const x = rng.normal(mu, sigma);
      if (x >= this.low && x <= this.high) return x;
    }
    return Math.min(this.high, Math.max(this.low, mu));
  }

  logDensity(x: number): number {
    const terms = this.mus.map((mu, k) => {
      const sigma = this.sigmas[k]!;
      const z = (x - mu) / sigma;
      return -0.5 * z * z - Math.log(sigma * Math.sqrt(2 * Math.PI)) - this.logMasses[k]!;
    });
    const top = Math.max(...terms);
    const sum = terms.reduce((acc, t) => acc + Math.exp(t - top), 0);
    return top + Math.log(sum / terms.length);
  }
}

/** Category frequencies with +1 (Laplace) smoothing, so no value ever has zero probability. */
export class SmoothedCategorical {
  private readonly probabilities: number[];

  constructor(observed: readonly number[], categories: number) {
    const counts = new Array<number>(categories).fill(1);
    for (const category of observed) counts[category] = counts[category]! + 1;
    const total = observed.length + categories;
    this.probabilities = counts.map((count) => count / total);
  }

  sample(rng: Rng): number {
    let u = rng.uniform();
    for (let category = 0; category < this.probabilities.length - 1; category++) {
      u -= this.probabilities[category]!;
      if (u < 0) return category;
    }
    return this.probabilities.length - 1;
  }

  logDensity(category: number): number {
    return Math.log(this.probabilities[category]!);
  }
}
