import assert from 'node:assert/strict';
import {
  parseSweepSpec,
  SweepSpecError,
  sweepSpecSchema,
  type SweepSpecInput,
} from '../../sweep/sweep-spec.js';

const minimal: SweepSpecInput = {
  base: { gan: { iterations: 100 } },
  space: { 'gan.lr': { type: 'loguniform', low: 1e-4, high: 1e-2 } },
  strategy: { kind: 'tpe' },
  trials: 6,
  objective: { metric: 'adversarialDefended', direction: 'maximize' },
};

/** The field paths of the issues that `value` fails validation with. */
function failingPaths(value: unknown): string[] {
  try {
    parseSweepSpec(value);
  } catch (error) {
    assert.ok(error instanceof SweepSpecError, `expected a SweepSpecError, got ${String(error)}`);
    assert.match(error.message, /invalid sweep spec/);
    return error.issues.map((issue) => issue.path);
  }
  assert.fail('the spec was accepted');
}

describe('sweep spec', () => {
  it('fills the defaults: seed 0, concurrency 2, no early stopping, TPE 4/2/0.25/24, int step 1', () => {
    const spec = parseSweepSpec({
      ...minimal,
      space: { ...minimal.space, 'gan.batchSize': { type: 'int', low: 8, high: 32 } },
      earlyStopping: undefined,
    });
    assert.equal(spec.seed, 0);
    assert.equal(spec.concurrency, 2);
    assert.deepEqual(spec.earlyStopping, { kind: 'none' });
    assert.deepEqual(spec.strategy, {
      kind: 'tpe',
      startupTrials: 4,
      generationSize: 2,
      gamma: 0.25,
      candidates: 24,
    });
    assert.deepEqual(spec.space['gan.batchSize'], { type: 'int', low: 8, high: 32, step: 1 });
    assert.equal(spec.name, undefined);
    assert.deepEqual(spec.base, minimal.base);
  });

  it('successive halving defaults to eta 3 and accepts minResource up to the base iterations', () => {
    const spec = parseSweepSpec({
      ...minimal,
      earlyStopping: { kind: 'successive-halving', resource: 'gan.iterations', minResource: 100 },
    });
    assert.deepEqual(spec.earlyStopping, {
      kind: 'successive-halving',
      resource: 'gan.iterations',
      minResource: 100,
      eta: 3,
    });
  });

  it('skips the minResource check when the base does not set gan.iterations', () => {
    const spec = parseSweepSpec({
      ...minimal,
      base: {},
      earlyStopping: { kind: 'successive-halving', resource: 'gan.iterations', minResource: 5000 },
    });
    assert.equal(spec.earlyStopping.kind, 'successive-halving');
  });

  it('accepts a grid over choice and int parameters', () => {
    const spec = sweepSpecSchema.parse({
      ...minimal,
      name: 'grid-1.a_b',
      strategy: { kind: 'grid' },
      space: {
        'gan.discriminator': { type: 'choice', values: ['separate', 'shared'] },
        'advd.epochs': { type: 'int', low: 1, high: 5, step: 2 },
      },
    });
    assert.equal(spec.strategy.kind, 'grid');
    assert.equal(spec.name, 'grid-1.a_b');
  });

  const badSpecs: { why: string; spec: unknown; path: string }[] = [
    {
      why: 'an unknown parameter type',
      spec: { ...minimal, space: { 'gan.lr': { type: 'gaussian', low: 0, high: 1 } } },
      path: 'space.gan.lr.type',
    },
    {
      why: 'a uniform range with low ≥ high',
      spec: { ...minimal, space: { 'gan.lr': { type: 'uniform', low: 1, high: 1 } } },
      path: 'space.gan.lr.high',
    },
    {
      why: 'a log-uniform range starting at 0',
      spec: { ...minimal, space: { 'gan.lr': { type: 'loguniform', low: 0, high: 1 } } },
      path: 'space.gan.lr.low',
    },
    {
      why: 'an int range with a fractional bound',
      spec: { ...minimal, space: { 'advd.epochs': { type: 'int', low: 1.5, high: 4 } } },
      path: 'space.advd.epochs.low',
    },
    {
      why: 'an int range with step 0',
      spec: { ...minimal, space: { 'advd.epochs': { type: 'int', low: 1, high: 4, step: 0 } } },
      path: 'space.advd.epochs.step',
    },
    {
      why: 'a choice without values',
      spec: { ...minimal, space: { 'gan.discriminator': { type: 'choice', values: [] } } },
      path: 'space.gan.discriminator.values',
    },
    {
      why: 'a malformed config path',
      spec: { ...minimal, space: { 'gan..lr': { type: 'uniform', low: 0, high: 1 } } },
      path: 'space.gan..lr',
    },
    {
      why: 'an empty search space',
      spec: { ...minimal, space: {} },
      path: 'space',
    },
    {
      why: 'a path inside another searched path',
      spec: {
        ...minimal,
        space: {
          gan: { type: 'choice', values: ['x'] },
          'gan.lr': { type: 'uniform', low: 0, high: 1 },
        },
      },
      path: 'space.gan.lr',
    },
    {
      why: 'a grid over a continuous parameter',
      spec: { ...minimal, strategy: { kind: 'grid' } },
      path: 'space.gan.lr.type',
    },
    {
      why: 'an unknown strategy',
      spec: { ...minimal, strategy: { kind: 'bayes' } },
      path: 'strategy.kind',
    },
    {
      why: 'gamma of 1',
      spec: { ...minimal, strategy: { kind: 'tpe', gamma: 1 } },
      path: 'strategy.gamma',
    },
    { why: 'a budget of 0 trials', spec: { ...minimal, trials: 0 }, path: 'trials' },
    { why: 'a negative seed', spec: { ...minimal, seed: -1 }, path: 'seed' },
    { why: 'a seed above 2^32-1', spec: { ...minimal, seed: 2 ** 32 }, path: 'seed' },
    { why: 'a name starting with "-"', spec: { ...minimal, name: '-x' }, path: 'name' },
    { why: 'concurrency 0', spec: { ...minimal, concurrency: 0 }, path: 'concurrency' },
    {
      why: 'an unknown objective direction',
      spec: { ...minimal, objective: { metric: 'adversarialDefended', direction: 'up' } },
      path: 'objective.direction',
    },
    {
      why: 'minResource above the base gan.iterations',
      spec: {
        ...minimal,
        earlyStopping: { kind: 'successive-halving', resource: 'gan.iterations', minResource: 101 },
      },
      path: 'earlyStopping.minResource',
    },
    {
      why: 'eta 1',
      spec: {
        ...minimal,
        earlyStopping: {
          kind: 'successive-halving',
          resource: 'gan.iterations',
          minResource: 10,
          eta: 1,
        },
      },
      path: 'earlyStopping.eta',
    },
    {
      why: 'searching the early-stopping resource itself',
      spec: {
        ...minimal,
        space: { 'gan.iterations': { type: 'int', low: 10, high: 100 } },
        earlyStopping: { kind: 'successive-halving', resource: 'gan.iterations', minResource: 10 },
      },
      path: 'space.gan.iterations',
    },
  ];
  for (const { why, spec, path } of badSpecs) {
    it(`refuses ${why}, naming ${path}`, () => {
      assert.deepEqual(failingPaths(spec), [path]);
    });
  }

  it('refuses an unknown field, naming it', () => {
    try {
      parseSweepSpec({ ...minimal, workers: 3 });
      assert.fail('the spec was accepted');
    } catch (error) {
      assert.ok(error instanceof SweepSpecError);
      assert.match(error.message, /workers/);
    }
  });
});
