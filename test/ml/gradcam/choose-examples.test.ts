import assert from 'node:assert/strict';
import {
  chooseExamples,
  defenseOutcome,
  type DefenseOutcome,
} from '../../../ml/gradcam/choose-examples.js';

const candidate = (id: string, classKey: string, set: string, outcome: DefenseOutcome) => ({
  id,
  classKey,
  set,
  outcome,
});

describe('Grad-CAM example choice', () => {
  it('names what the defense did to an answer', () => {
    assert.equal(defenseOutcome(false, true), 'fixed');
    assert.equal(defenseOutcome(true, false), 'broken');
    assert.equal(defenseOutcome(true, true), 'unchanged-right');
    assert.equal(defenseOutcome(false, false), 'unchanged-wrong');
  });

  it('takes turns over the outcomes, then over classes within one, not the first files', () => {
    const candidates = [
      // The first four files are all one class, all unchanged-wrong: what slice(0, 4) showed.
      candidate('a0', 'circle', 'adversarial', 'unchanged-wrong'),
      candidate('a1', 'circle', 'adversarial', 'unchanged-wrong'),
      candidate('a2', 'circle', 'adversarial', 'unchanged-wrong'),
      candidate('a3', 'square', 'adversarial', 'unchanged-wrong'),
      candidate('a4', 'square', 'adversarial', 'fixed'),
      candidate('b0', 'circle', 'benign', 'broken'),
      candidate('b1', 'star', 'benign', 'unchanged-right'),
      candidate('b2', 'square', 'benign', 'broken'),
    ];
    assert.deepEqual(
      chooseExamples(candidates, 6).map((c) => c.id),
      // Round 1: fixed a4, broken b0, unchanged-wrong a0, unchanged-right b1;
      // round 2: broken b2, unchanged-wrong a3 (square before a second circle).
      ['a4', 'b0', 'a0', 'b1', 'b2', 'a3'],
    );
  });

  it('gives every candidate when fewer than asked, and none for a count of 0', () => {
    const few = [candidate('x', 'c', 'adversarial', 'fixed')];
    assert.deepEqual(chooseExamples(few, 4), few);
    assert.deepEqual(chooseExamples(few, 0), []);
  });
});
