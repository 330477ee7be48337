import assert from 'node:assert/strict';
import type { ExperimentView } from '../../client/experiments.js';
import { EtaEstimator, progressLine } from '../../cli/progress-view.js';
import type { StageName } from '../../pipeline/stage-ref.js';

function view(stage: StageName, done: number, total: number): ExperimentView {
  return {
    experimentId: 'x',
    status: 'RUNNING',
    state: {
      experimentId: 'x',
      configHash: 'h',
      status: 'running',
      stage,
      stages: [],
      startedAt: '',
      finishedAt: null,
      error: null,
    },
    progress: { unit: 'iterations', done, total, recent: { msePG: 0.25 } },
    attempt: 1,
    worker: undefined,
    result: undefined,
    failure: undefined,
    startTime: new Date(0),
    closeTime: undefined,
  };
}

describe('progress line', () => {
  it('shows the stage by its place in the chain, a bar, counts and recent values', () => {
    const line = progressLine(view('gan', 250, 1000), undefined);
    assert.match(line, /^\[4\/8 gan\]/);
    assert.match(line, /██████░{18}/);
    assert.match(line, /250\/1000 iterations/);
    assert.match(line, /msePG 0\.250/);
  });

  it('the last stage is 7/7 even after every stage finished', () => {
    assert.match(progressLine(view('report', 0, 0), undefined), /^\[8\/8 report\] running/);
  });

  it('estimates the time left from the rate it observed', () => {
    const eta = new EtaEstimator();
    assert.equal(eta.eta(view('gan', 100, 1000), 0), undefined);
    assert.equal(eta.eta(view('gan', 200, 1000), 10_000), 80);
    assert.match(progressLine(view('gan', 200, 1000), 80), /ETA 1:20/);
  });
});
