import type { Rng } from '../ml/rng.js';
import type { ParamSpec, ParamValue, TrialParams } from './sweep-spec.js';

type DiscreteParam = Extract<ParamSpec, { type: 'choice' | 'int' }>;

/** How many values an integer range holds: low, low+step, ... up to high. */
export function intCount(param: Extract<ParamSpec, { type: 'int' }>): number {
  return Math.floor((param.high - param.low) / param.step) + 1;
}

function discreteCount(param: DiscreteParam): number {
  return param.type === 'choice' ? param.values.length : intCount(param);
}

function discreteValue(param: DiscreteParam, position: number): ParamValue {
  return param.type === 'choice' ? param.values[position]! : param.low + position * param.step;
}

function discreteParams(space: Record<string, ParamSpec>): [string, DiscreteParam][] {
  return Object.entries(space).map(([path, param]) => {
    if (param.type !== 'choice' && param.type !== 'int') {
      throw new Error(`a grid needs discrete parameters; "${path}" is ${param.type}`);
    }
    return [path, param];
  });
}

/** The number of points in the grid over `space` (the product of its parameters' value counts). */
export function gridSize(space: Record<string, ParamSpec>): number {
  return discreteParams(space).reduce((size, [, param]) => size * discreteCount(param), 1);
}

/**
 * Point `index` of the cartesian product in the order of the space's keys, the last key varying
 * fastest; computed directly (mixed radix) so a large grid is never enumerated.
 */
export function gridPoint(space: Record<string, ParamSpec>, index: number): TrialParams {
  const params = discreteParams(space);
  const point: TrialParams = {};
  let rest = index;
  for (let i = params.length - 1; i >= 0; i--) {
    const [path, param] = params[i]!;
    const count = discreteCount(param);
    point[path] = discreteValue(param, rest % count);
    rest = Math.floor(rest / count);
  }
  // Keep the space's key order in the trial's params, whatever order they were filled in.
  return Object.fromEntries(params.map(([path]) => [path, point[path]!]));
}

/** One draw from a parameter's prior: uniform over its range (in log scale for loguniform). */
export function sampleParam(param: ParamSpec, rng: Rng): ParamValue {
  switch (param.type) {
    case 'choice':
      return param.values[rng.int(param.values.length)]!;
    case 'uniform':
      return rng.uniformIn(param.low, param.high);
    case 'loguniform':
      return Math.exp(rng.uniformIn(Math.log(param.low), Math.log(param.high)));
    case 'int':
      return param.low + rng.int(intCount(param)) * param.step;
  }
}

/** A point drawn from the prior, one parameter at a time in the space's key order. */
export function samplePoint(space: Record<string, ParamSpec>, rng: Rng): TrialParams {
  return Object.fromEntries(
    Object.entries(space).map(([path, param]) => [path, sampleParam(param, rng)]),
  );
}
