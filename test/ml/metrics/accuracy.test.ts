import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { top1Accuracy } from '../../../ml/metrics/accuracy.js';
import {
  DATA_DIR,
  imagenetAClassIndices,
  loadImagenetClasses,
  loadWnids,
  wnidsToIndices,
} from '../../../ml/metrics/imagenet-classes.js';

describe('top-1 accuracy', () => {
  // Three examples, four classes.
  const scores = [
    [0.1, 0.2, 0.6, 0.1], // argmax 2; over {1, 3}: 1
    [0.5, 0.1, 0.1, 0.3], // argmax 0; over {1, 3}: 3
    [0.0, 0.3, 0.4, 0.3], // argmax 2; over {1, 3}: tie 0.3/0.3 → the first listed, 1
  ].flat();
  const labels = [2, 3, 1];

  it('1000-way style: argmax over all classes', () => {
    // Right on example 0 only.
    assert.deepEqual(top1Accuracy(scores, 4, labels), { correct: 1, total: 3, accuracy: 1 / 3 });
  });

  it('ImageNet-A style: argmax over a class subset', () => {
    // Over {1, 3}: predictions 1, 3, 1 against labels 2, 3, 1: right on examples 1 and 2.
    assert.deepEqual(top1Accuracy(scores, 4, labels, [1, 3]), {
      correct: 2,
      total: 3,
      accuracy: 2 / 3,
    });
  });

  it('rejects malformed input', () => {
    assert.throws(() => top1Accuracy(scores, 5, labels), /do not form 3 rows of 5/);
    assert.throws(() => top1Accuracy(scores, 4, labels, [1, 4]), /outside \[0, 4\)/);
    assert.throws(() => top1Accuracy([], 4, []), /no examples/);
  });
});

describe('ImageNet class lists', () => {
  it('maps the 200 ImageNet-A wnids to their 1000-way indices', async () => {
    const classes = await loadImagenetClasses();
    assert.equal(classes.length, 1000);
    const raw = JSON.parse(
      await readFile(join(DATA_DIR, 'imagenet_class_index.json'), 'utf8'),
    ) as Record<string, [string, string]>;
    const wnids = await loadWnids(join(DATA_DIR, 'imagenet_a_wnids.txt'));
    const indices = wnidsToIndices(wnids, classes);
    assert.equal(new Set(indices).size, 200);
    indices.forEach((index, i) => assert.equal(raw[String(index)]![0], wnids[i]));
    assert.deepEqual(
      await imagenetAClassIndices(),
      [...indices].sort((a, b) => a - b),
    );
  });

  it('refuses an unknown wnid', async () => {
    const classes = await loadImagenetClasses();
    assert.throws(() => wnidsToIndices(['n00000000'], classes), /n00000000/);
  });
});
