import assert from 'node:assert/strict';
import { printLeaderboard } from '../../cli/sweep-view.js';
import type { TrialRecord } from '../../sweep/leaderboard.js';
import { objectiveCountOf } from '../../sweep/objective.js';

describe('sweep objective counts', () => {
  it('finds the count behind an accuracy objective in the headline, and none behind an AUROC', () => {
    const headline = {
      adversarialDefended: 0.25,
      adversarialDefendedCorrect: 8,
      adversarialDefendedTotal: 32,
      detectionAuroc: 0.6,
    };
    assert.deepEqual(objectiveCountOf(headline, 'adversarialDefended'), { correct: 8, total: 32 });
    assert.equal(objectiveCountOf(headline, 'detectionAuroc'), null);
  });

  it('the leaderboard gives an accuracy objective with k/n and its 95% Wilson interval', () => {
    const trial = (index: number, correct: number): TrialRecord => ({
      index,
      experimentId: `s-t${index}`,
      params: { 'gan.lr': 0.001 },
      status: 'completed',
      objective: correct / 32,
      objectiveCount: { correct, total: 32 },
      resource: null,
      stoppedAtResource: null,
      reportKey: null,
    });
    let out = '';
    printLeaderboard([trial(0, 0), trial(1, 31)], 'adversarialDefended', {
      out: (t) => (out += t),
      err: () => undefined,
    });
    const [, first, second] = out.split('\n');
    // 0/32: [0, z²/(n + z²)] = [0, 3.8416/35.8416] = [0, 10.7%]; 31/32: [84.3%, 99.4%].
    assert.match(first!, /gan\.lr=0\.001000 {2}\(0\.0% \(0\/32, 95% CI 0\.0–10\.7%\)\)$/);
    assert.match(second!, /\(96\.9% \(31\/32, 95% CI 84\.3–99\.4%\)\)$/);
  });
});
