import type { Rng } from '../ml/rng.js';
import { compareByObjective, type Direction } from './objective.js';
import { SmoothedCategorical, TruncatedParzen } from './parzen.js';
import { samplePoint } from './space.js';
import type { ParamSpec, ParamValue, TrialParams } from './sweep-spec.js';

/** A finished trial the model learns from (only trials that produced an objective). */
export interface Observation {
  index: number;
  params: TrialParams;
  objective: number;
}

export interface TpeOptions {
  gamma: number;
  candidates: number;
  direction: Direction;
}

interface Density {
  sample(rng: Rng): number;
  logDensity(x: number): number;
}

/**
 * One parameter seen by the model: values map to an internal scale where the estimators live —
 * log for loguniform (so kernels are multiplicative), the value's position for a choice.
 */
interface Dimension {
  toInternal(value: ParamValue): number | undefined;
  fromInternal(x: number): ParamValue;
  density(points: number[]): Density;
}

function dimension(param: ParamSpec): Dimension {
  switch (param.type) {
    case 'choice':
      return {
        toInternal: (value) => {
          const position = param.values.indexOf(value);
          return position < 0 ? undefined : position;
        },
        fromInternal: (x) => param.values[x]!,
        density: (points) => new SmoothedCategorical(points, param.values.length),
      };
    case 'uniform':
      return {
        toInternal: (value) => (typeof value === 'number' ? value : undefined),
        fromInternal: (x) => x,
        density: (points) => new TruncatedParzen(points, param.low, param.high),
      };
    case 'loguniform':
      return {
        toInternal: (value) =>
          typeof value === 'number' && value > 0 ? Math.log(value) : undefined,
        fromInternal: (x) => Math.exp(x),
        density: (points) => new TruncatedParzen(points, Math.log(param.low), Math.log(param.high)),
      };
    case 'int': {
      // Each integer owns the interval of half a step either side, so the ends are as likely as the middle.
      const snap = (x: number): number => {
        const steps = Math.round((x - param.low) / param.step);
        const last = Math.floor((param.high - param.low) / param.step);
        return param.low + Math.min(last, Math.max(0, steps)) * param.step;
      };
      const half = param.step / 2;
      return {
        toInternal: (value) => (typeof value === 'number' ? value : undefined),
        fromInternal: snap,
        density: (points) => {
          const parzen = new TruncatedParzen(points, param.low - half, param.high + half);
          return {
            sample: (rng) => snap(parzen.sample(rng)),
            logDensity: (x) => parzen.logDensity(snap(x)),
          };
        },
      };
    }
  }
}

/**
 * `count` proposals by the tree-structured Parzen estimator: the observations split into the best
 * gamma fraction (l) and the rest (g), each parameter gets one estimator per side, and each
 * proposal is the best of `candidates` draws from l by l(x)/g(x) (the expected-improvement
 * criterion). With fewer than two observations there is nothing to split, so proposals come from
 * the prior.
 */
export function tpeProposals(
  space: Record<string, ParamSpec>,
  observations: readonly Observation[],
  options: TpeOptions,
  count: number,
  rng: Rng,
): TrialParams[] {
  if (observations.length < 2) {
    return Array.from({ length: count }, () => samplePoint(space, rng));
  }
  const ranked = [...observations].sort((a, b) => compareByObjective(a, b, options.direction));
  const goodCount = Math.min(
    ranked.length - 1,
    Math.max(1, Math.ceil(options.gamma * ranked.length)),
  );
  const models = Object.entries(space).map(([path, param]) => {
    const dim = dimension(param);
    const internal = (side: readonly Observation[]): number[] =>
      side.flatMap((o) => {
        const value = o.params[path];
        const x = value === undefined ? undefined : dim.toInternal(value);
        return x === undefined ? [] : [x];
      });
    return {
      path,
      dim,
      good: dim.density(internal(ranked.slice(0, goodCount))),
      bad: dim.density(internal(ranked.slice(goodCount))),
    };
  });

  return Array.from({ length: count }, () => {
    let best: { score: number; xs: number[] } | undefined;
    for (let c = 0; c < options.candidates; c++) {
      const xs = models.map((m) => m.good.sample(rng));
      const score = models.reduce(
        (sum, m, d) => sum + m.good.logDensity(xs[d]!) - m.bad.logDensity(xs[d]!),
        0,
      );
      if (best === undefined || score > best.score) best = { score, xs };
    }
    return Object.fromEntries(models.map((m, d) => [m.path, m.dim.fromInternal(best!.xs[d]!)]));
  });
}
