import assert from 'node:assert/strict';
import { minMaxBucketIndices } from '../../report/downsample.js';

describe('minMaxBucketIndices', () => {
  const noisy = (n: number): number[] =>
    Array.from({ length: n }, (_, i) => Math.sin(i / 37) + ((i * 7919) % 101) / 100);

  it('returns a short series whole', () => {
    assert.deepEqual(minMaxBucketIndices([3, 1, 2], 10), [0, 1, 2]);
  });

  it('keeps the first and last points and every global extreme of a long series', () => {
    const values = noisy(25_000);
    values[12_345] = 50; // a spike that plain striding would likely miss
    values[777] = -50;
    const kept = minMaxBucketIndices(values, 800);
    assert.ok(kept.length <= 800, `${kept.length} points`);
    assert.ok(kept.length > 400, `${kept.length} points: the budget should be used`);
    assert.equal(kept[0], 0);
    assert.equal(kept.at(-1), values.length - 1);
    assert.ok(kept.includes(12_345));
    assert.ok(kept.includes(777));
  });

  it('keeps each bucket’s minimum and maximum, so the drawn envelope matches the data', () => {
    const values = noisy(10_000);
    const kept = minMaxBucketIndices(values, 200);
    // Between two kept points, no value lies outside the envelope of the kept points around it.
    const keptValues = kept.map((i) => values[i]!);
    assert.equal(Math.max(...keptValues), Math.max(...values));
    assert.equal(Math.min(...keptValues), Math.min(...values));
  });

  it('returns strictly increasing indices', () => {
    const kept = minMaxBucketIndices(noisy(5_003), 97);
    for (let i = 1; i < kept.length; i++) assert.ok(kept[i]! > kept[i - 1]!, `at ${i}`);
  });

  it('keeps a gap (null) so that a diverged stretch stays visible', () => {
    const values: (number | null)[] = noisy(10_000);
    values[5_000] = null;
    const kept = minMaxBucketIndices(values, 100);
    assert.ok(kept.some((i) => values[i] === null));
  });

  it('rejects a budget too small to keep the ends and an extreme', () => {
    assert.throws(() => minMaxBucketIndices([1, 2, 3, 4, 5, 6], 4), /at least 5/);
  });
});
