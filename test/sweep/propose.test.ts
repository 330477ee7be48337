import assert from 'node:assert/strict';
import { Rng } from '../../ml/rng.js';
import { proposeTrials, totalTrials, type TrialOutcome } from '../../sweep/propose.js';
import {
  parseSweepSpec,
  type SweepSpec,
  type SweepSpecInput,
  type TrialParams,
} from '../../sweep/sweep-spec.js';

function spec(overrides: Partial<SweepSpecInput>): SweepSpec {
  return parseSweepSpec({
    base: {},
    space: { x: { type: 'uniform', low: 0, high: 1 } },
    strategy: { kind: 'random' },
    trials: 8,
    objective: { metric: 'score', direction: 'maximize' },
    ...overrides,
  });
}

type Objective = (params: TrialParams) => number | null;

/**
 * Runs a sweep's proposal loop the way a workflow would: at most `workers` trials at once, a
 * trial finishing in the order `pickFinished` chooses, outcomes handed over in completion order.
 * Returns every trial proposed, in proposal order.
 */
function simulate(
  sweep: SweepSpec,
  objective: Objective,
  workers: number,
  pickFinished: (running: number) => number,
): TrialParams[] {
  const proposed: TrialParams[] = [];
  const outcomes: TrialOutcome[] = [];
  const running: number[] = [];
  let queued: number[] = [];
  while (outcomes.length < totalTrials(sweep)) {
    if (queued.length === 0) {
      const fresh = proposeTrials(sweep, proposed, outcomes);
      queued = fresh.map((_, i) => proposed.length + i);
      proposed.push(...fresh);
    }
    while (running.length < workers && queued.length > 0) running.push(queued.shift()!);
    assert.ok(running.length > 0, 'the sweep stalled: nothing runs and nothing was proposed');
    const [index] = running.splice(pickFinished(running.length), 1);
    outcomes.push({
      index: index!,
      params: proposed[index!]!,
      objective: objective(proposed[index!]!),
    });
  }
  assert.deepEqual(proposeTrials(sweep, proposed, outcomes), [], 'the budget is spent');
  return proposed;
}

const firstFinishes = (): number => 0;
const lastFinishes = (running: number): number => running - 1;
function shuffledFinishes(seed: number): (running: number) => number {
  const rng = Rng.fromSeed(seed);
  return (running) => rng.int(running);
}

const peakAt03: Objective = (params) => -(((params['x'] as number) - 0.3) ** 2);

describe('trial proposals', () => {
  describe('grid', () => {
    const grid = spec({
      strategy: { kind: 'grid' },
      space: {
        a: { type: 'choice', values: ['p', 'q'] },
        b: { type: 'int', low: 1, high: 5, step: 2 },
        c: { type: 'choice', values: [true, false] },
      },
      trials: 100,
    });

    it('is the cartesian product in key order, the last key fastest', () => {
      const expected: TrialParams[] = [];
      for (const a of ['p', 'q']) {
        for (const b of [1, 3, 5]) for (const c of [true, false]) expected.push({ a, b, c });
      }
      assert.equal(totalTrials(grid), 12);
      const trials = proposeTrials(grid, [], []);
      assert.deepEqual(trials, expected);
      assert.deepEqual(Object.keys(trials[0]!), ['a', 'b', 'c']);
    });

    it('runs only the first `trials` points when the budget is smaller', () => {
      const small = { ...grid, trials: 5 };
      assert.equal(totalTrials(small), 5);
      const all = proposeTrials(grid, [], []);
      assert.deepEqual(proposeTrials(small, [], []), all.slice(0, 5));
    });

    it('continues after the trials already proposed and ends at the budget', () => {
      const all = proposeTrials(grid, [], []);
      assert.deepEqual(proposeTrials(grid, all.slice(0, 7), []), all.slice(7));
      assert.deepEqual(proposeTrials(grid, all, []), []);
    });
  });

  describe('random', () => {
    const mixed = spec({
      seed: 11,
      trials: 40,
      space: {
        'gan.lr': { type: 'loguniform', low: 1e-5, high: 1e-1 },
        'gan.beta': { type: 'uniform', low: -1, high: 1 },
        'advd.epochs': { type: 'int', low: 2, high: 10, step: 4 },
        'gan.discriminator': { type: 'choice', values: ['separate', 'shared'] },
      },
    });

    it('draws every parameter inside its range', () => {
      for (const trial of proposeTrials(mixed, [], [])) {
        const lr = trial['gan.lr'] as number;
        const beta = trial['gan.beta'] as number;
        assert.ok(lr >= 1e-5 && lr <= 1e-1, `lr ${lr}`);
        assert.ok(beta >= -1 && beta < 1, `beta ${beta}`);
        assert.ok([2, 6, 10].includes(trial['advd.epochs'] as number));
        assert.ok(['separate', 'shared'].includes(trial['gan.discriminator'] as string));
      }
    });

    it('gives the same trials for the same seed and different ones for another', () => {
      const first = proposeTrials(mixed, [], []);
      assert.equal(first.length, 40);
      assert.deepEqual(proposeTrials(mixed, [], []), first);
      const other = proposeTrials({ ...mixed, seed: 12 }, [], []);
      assert.notDeepEqual(other, first);
      assert.notDeepEqual(first[0], first[1], 'trials differ from each other');
    });

    it('draws trial i the same however many trials were proposed before it', () => {
      const all = proposeTrials(mixed, [], []);
      assert.deepEqual(proposeTrials(mixed, all.slice(0, 13), []), all.slice(13));
      const longer = proposeTrials({ ...mixed, trials: 60 }, [], []);
      assert.deepEqual(longer.slice(0, 40), all, 'a larger budget only adds trials at the end');
    });

    it('proposes the same trials whatever the worker count and completion order', () => {
      const reference = simulate(mixed, peakAt03, 1, firstFinishes);
      assert.deepEqual(simulate(mixed, peakAt03, 4, shuffledFinishes(3)), reference);
    });
  });

  describe('TPE', () => {
    const tpe = spec({
      seed: 5,
      trials: 14,
      strategy: { kind: 'tpe', startupTrials: 4, generationSize: 2 },
    });

    it('starts with the same trials as a random search of the same seed', () => {
      const random = proposeTrials({ ...tpe, strategy: { kind: 'random' } }, [], []);
      assert.deepEqual(proposeTrials(tpe, [], []), random.slice(0, 4));
    });

    it('waits for every earlier trial before proposing a generation', () => {
      const startup = proposeTrials(tpe, [], []);
      const outcomes: TrialOutcome[] = startup.map((params, index) => ({
        index,
        params,
        objective: peakAt03(params),
      }));
      assert.deepEqual(proposeTrials(tpe, startup, outcomes.slice(0, 3)), []);
      assert.deepEqual(proposeTrials(tpe, startup, outcomes.slice(1)), []);
      const generation = proposeTrials(tpe, startup, outcomes);
      assert.equal(generation.length, 2);
      // The next generation waits for this one.
      const proposed = [...startup, ...generation];
      const partial = [...outcomes, { index: 4, params: generation[0]!, objective: 0 }];
      assert.deepEqual(proposeTrials(tpe, proposed, partial), []);
    });

    it('completes a half-proposed generation with exactly its other half', () => {
      const startup = proposeTrials(tpe, [], []);
      const outcomes: TrialOutcome[] = startup.map((params, index) => ({
        index,
        params,
        objective: peakAt03(params),
      }));
      const generation = proposeTrials(tpe, startup, outcomes);
      const early = { index: 4, params: generation[0]!, objective: 1 };
      assert.deepEqual(
        proposeTrials(tpe, [...startup, generation[0]!], [...outcomes, early]),
        generation.slice(1),
        "an outcome from the generation itself does not change the generation's draws",
      );
    });

    it('gives the same proposals when the same outcomes arrive in another order', () => {
      const startup = proposeTrials(tpe, [], []);
      const outcomes: TrialOutcome[] = startup.map((params, index) => ({
        index,
        params,
        objective: peakAt03(params),
      }));
      const inOrder = proposeTrials(tpe, startup, outcomes);
      assert.deepEqual(proposeTrials(tpe, startup, [...outcomes].reverse()), inOrder);
      assert.deepEqual(
        proposeTrials(tpe, startup, [outcomes[2]!, outcomes[0]!, outcomes[3]!, outcomes[1]!]),
        inOrder,
      );
    });

    it('refuses two outcomes for one trial', () => {
      const startup = proposeTrials(tpe, [], []);
      const outcomes = startup.map((params, index) => ({ index, params, objective: 0 }));
      assert.throws(
        () => proposeTrials(tpe, startup, [...outcomes, { ...outcomes[1]!, objective: 1 }]),
        /two outcomes for trial 1/,
      );
    });

    it('proposes the same whole sweep whatever the worker count and completion order', () => {
      const reference = simulate(tpe, peakAt03, 1, firstFinishes);
      assert.equal(reference.length, 14);
      assert.deepEqual(simulate(tpe, peakAt03, 2, lastFinishes), reference);
      assert.deepEqual(simulate(tpe, peakAt03, 3, shuffledFinishes(9)), reference);
    });

    it('learns from a mixed space and tolerates failed trials', () => {
      const mixed = spec({
        seed: 2,
        trials: 16,
        strategy: { kind: 'tpe', startupTrials: 6, generationSize: 3, candidates: 12 },
        space: {
          lr: { type: 'loguniform', low: 1e-4, high: 1 },
          epochs: { type: 'int', low: 1, high: 9, step: 2 },
          mode: { type: 'choice', values: ['a', 'b', 'c'] },
        },
      });
      // Failing whenever mode is "c": those trials give the model no objective.
      const objective: Objective = (p) =>
        p['mode'] === 'c'
          ? null
          : -Math.abs(Math.log10(p['lr'] as number) + 2) - (p['epochs'] as number) / 10;
      const trials = simulate(mixed, objective, 2, shuffledFinishes(1));
      assert.equal(trials.length, 16);
      for (const trial of trials) {
        const lr = trial['lr'] as number;
        assert.ok(lr >= 1e-4 && lr <= 1, `lr ${lr}`);
        assert.ok([1, 3, 5, 7, 9].includes(trial['epochs'] as number), `epochs ${trial['epochs']}`);
        assert.ok(['a', 'b', 'c'].includes(trial['mode'] as string));
      }
    });

    it('moves towards the optimum of -(x-0.3)^2: later trials closer than the random startup', () => {
      const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
      let startupDistance = 0;
      let laterDistance = 0;
      for (const seed of seeds) {
        const sweep = spec({
          seed,
          trials: 24,
          strategy: { kind: 'tpe', startupTrials: 4, generationSize: 2 },
        });
        const trials = simulate(sweep, peakAt03, 2, firstFinishes);
        const distance = (t: TrialParams): number => Math.abs((t['x'] as number) - 0.3);
        const mean = (ts: TrialParams[]): number =>
          ts.reduce((sum, t) => sum + distance(t), 0) / ts.length;
        startupDistance += mean(trials.slice(0, 4)) / seeds.length;
        laterDistance += mean(trials.slice(14)) / seeds.length;
      }
      assert.ok(
        laterDistance < startupDistance / 2,
        `mean |x - 0.3|: startup ${startupDistance.toFixed(3)}, trials 14-23 ${laterDistance.toFixed(3)}`,
      );
    });
  });
});
