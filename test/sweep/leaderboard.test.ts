import assert from 'node:assert/strict';
import { leaderboard, type TrialRecord, type TrialStatus } from '../../sweep/leaderboard.js';

function trial(index: number, status: TrialStatus, objective: number | null): TrialRecord {
  return {
    index,
    experimentId: `sweep-a-trial-${index}`,
    params: { 'gan.lr': index / 100 },
    status,
    objective,
    resource: status === 'pending' ? null : 100,
    stoppedAtResource: status === 'stopped' ? 30 : null,
    reportKey: status === 'completed' ? `reports/${index}.html` : null,
  };
}

describe('leaderboard', () => {
  const trials = [
    trial(0, 'failed', null),
    trial(1, 'completed', 0.6),
    trial(2, 'stopped', 0.9),
    trial(3, 'completed', 0.8),
    trial(4, 'running', null),
    trial(5, 'completed', 0.6),
    trial(6, 'stopped', 0.2),
    trial(7, 'pending', null),
    trial(8, 'completed', null),
  ];

  it('ranks completed trials best first, then stopped ones, then the rest by index', () => {
    const order = leaderboard(trials, 'maximize').map((t) => t.index);
    assert.deepEqual(order, [3, 1, 5, 8, 2, 6, 0, 4, 7]);
  });

  it('follows the direction when minimizing', () => {
    const order = leaderboard(trials, 'minimize').map((t) => t.index);
    assert.deepEqual(order, [1, 5, 3, 8, 6, 2, 0, 4, 7]);
  });

  it('does not depend on the input order and leaves the input alone', () => {
    const reversed = [...trials].reverse();
    const before = reversed.map((t) => t.index);
    assert.deepEqual(leaderboard(reversed, 'maximize'), leaderboard(trials, 'maximize'));
    assert.deepEqual(
      reversed.map((t) => t.index),
      before,
    );
  });
});
