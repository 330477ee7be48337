import { hasObjective } from './objective.js';
import { derivedRng } from './seeds.js';
import { gridPoint, gridSize, samplePoint } from './space.js';
import type { SweepSpec, TrialParams } from './sweep-spec.js';
import { tpeProposals, type Observation } from './tpe.js';

/** A trial's result as the strategies see it; `objective` is null when it failed or had no metric. */
export interface TrialOutcome {
  index: number;
  params: TrialParams;
  objective: number | null;
}

/** How many trials the sweep runs: the budget, or the whole grid when it is smaller. */
export function totalTrials(spec: SweepSpec): number {
  return spec.strategy.kind === 'grid' ? Math.min(spec.trials, gridSize(spec.space)) : spec.trials;
}

/** Trial `index` of a random search: its own generator, so it is the same however many came before. */
function randomTrial(spec: SweepSpec, index: number): TrialParams {
  return samplePoint(spec.space, derivedRng(spec.seed, 'random-trial', index));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/**
 * The next trials to start, given every trial proposed so far (in order) and the finished
 * outcomes; [] when the budget is spent or TPE waits for its current generation to finish.
 * A pure function of (spec, proposed.length, outcomes by index), so the same spec and seed give
 * the same trials in the same order however many workers run them and whenever they finish.
 */
export function proposeTrials(
  spec: SweepSpec,
  proposed: readonly TrialParams[],
  outcomes: readonly TrialOutcome[],
): TrialParams[] {
  const next = proposed.length;
  const total = totalTrials(spec);
  const strategy = spec.strategy;
  switch (strategy.kind) {
    case 'grid':
      return range(next, total).map((index) => gridPoint(spec.space, index));
    case 'random':
      return range(next, total).map((index) => randomTrial(spec, index));
    case 'tpe': {
      const startup = Math.min(strategy.startupTrials, total);
      if (next < startup) return range(next, startup).map((index) => randomTrial(spec, index));
      if (next >= total) return [];
      const generation = Math.floor((next - startup) / strategy.generationSize);
      const start = startup + generation * strategy.generationSize;
      const size = Math.min(strategy.generationSize, total - start);
      const earlier = outcomesBefore(outcomes, start);
      if (earlier === undefined) return [];
      const observations = earlier.filter((o): o is Observation => hasObjective(o.objective));
      const options = { ...strategy, direction: spec.objective.direction };
      const rng = derivedRng(spec.seed, 'tpe-generation', generation);
      // The whole generation is drawn and the part already proposed dropped, so a caller that
      // proposed half of it gets exactly the other half.
      return tpeProposals(spec.space, observations, options, size, rng).slice(next - start);
    }
  }
}

/**
 * The outcomes of trials 0..start-1 sorted by index, or undefined while any is missing. Two
 * outcomes for one trial would make the result depend on their order, so they are refused.
 */
function outcomesBefore(
  outcomes: readonly TrialOutcome[],
  start: number,
): TrialOutcome[] | undefined {
  const byIndex = new Map<number, TrialOutcome>();
  for (const outcome of outcomes) {
    if (byIndex.has(outcome.index)) throw new Error(`two outcomes for trial ${outcome.index}`);
    if (outcome.index < start) byIndex.set(outcome.index, outcome);
  }
  if (byIndex.size < start) return undefined;
  return range(0, start).map((index) => byIndex.get(index)!);
}
