import assert from 'node:assert/strict';
import { promoteFromRung, rungBudgets } from '../../sweep/successive-halving.js';

describe('successive halving', () => {
  describe('rungBudgets', () => {
    it('multiplies by eta while below the maximum, then ends at the maximum', () => {
      assert.deepEqual(rungBudgets(100, 3, 1000), [100, 300, 900, 1000]);
      assert.deepEqual(rungBudgets(1, 2, 8), [1, 2, 4, 8]);
      assert.deepEqual(rungBudgets(10, 3, 50), [10, 30, 50]);
    });

    it('is one rung when the minimum is the maximum', () => {
      assert.deepEqual(rungBudgets(500, 3, 500), [500]);
    });

    it('refuses a minimum above the maximum, eta below 2 and non-integer budgets', () => {
      assert.throws(() => rungBudgets(600, 3, 500), /minResource 600 exceeds maxResource 500/);
      assert.throws(() => rungBudgets(10, 1, 500), /eta/);
      assert.throws(() => rungBudgets(0, 3, 500), /minResource/);
      assert.throws(() => rungBudgets(10, 3, 50.5), /maxResource/);
    });
  });

  describe('promoteFromRung', () => {
    const rung = [
      { index: 0, objective: 0.5 },
      { index: 1, objective: 0.9 },
      { index: 2, objective: 0.1 },
      { index: 3, objective: 0.7 },
      { index: 4, objective: 0.3 },
      { index: 5, objective: 0.8 },
    ];

    it('keeps the best floor(n/eta), best first', () => {
      assert.deepEqual(promoteFromRung(rung, 3, 'maximize'), [1, 5]);
      assert.deepEqual(promoteFromRung(rung, 2, 'maximize'), [1, 5, 3]);
      assert.deepEqual(promoteFromRung(rung, 3, 'minimize'), [2, 4]);
    });

    it('keeps at least one trial', () => {
      assert.deepEqual(promoteFromRung(rung.slice(0, 2), 3, 'maximize'), [1]);
      assert.deepEqual(promoteFromRung([{ index: 7, objective: 0 }], 3, 'minimize'), [7]);
      assert.deepEqual(promoteFromRung([], 3, 'maximize'), []);
    });

    it('breaks ties by the lower index, whatever the input order', () => {
      const tied = [
        { index: 4, objective: 0.5 },
        { index: 2, objective: 0.5 },
        { index: 3, objective: 0.1 },
      ];
      assert.deepEqual(promoteFromRung(tied, 3, 'maximize'), [2]);
      assert.deepEqual(promoteFromRung([...tied].reverse(), 2, 'maximize'), [2]);
    });

    it('never promotes a failed trial, even below the quota', () => {
      const failing = [
        { index: 0, objective: null },
        { index: 1, objective: 0.2 },
        { index: 2, objective: null },
        { index: 3, objective: Number.NaN },
        { index: 4, objective: null },
        { index: 5, objective: null },
      ];
      // floor(6/3) = 2 places, but only trial 1 has a result.
      assert.deepEqual(promoteFromRung(failing, 3, 'maximize'), [1]);
      assert.deepEqual(promoteFromRung([{ index: 0, objective: null }], 3, 'minimize'), []);
    });
  });
});
