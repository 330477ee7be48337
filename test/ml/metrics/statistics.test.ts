import assert from 'node:assert/strict';
import { discordantPairs, mcnemarExact, wilsonInterval } from '../../../ml/metrics/statistics.js';

const close = (actual: number, expected: number, tolerance = 5e-6) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${actual} is not ${expected} ± ${tolerance}`);

describe('Wilson score interval', () => {
  // With z = 1.96, z² = 3.8416:
  //   denominator d = 1 + z²/n, center = (p + z²/2n) / d, half = (z/d)·√(p(1−p)/n + z²/4n²).
  it('0/32: from 0 to z²/(n + z²)', () => {
    // d = 1 + 3.8416/32 = 1.12005; center = (0 + 0.060025)/1.12005 = 0.053591;
    // half = (1.96/1.12005)·√(3.8416/4096) = 1.749922·0.030625 = 0.053591 → [0, 0.107183]
    // (and z²/(n + z²) = 3.8416/35.8416 = 0.107183).
    const { low, high } = wilsonInterval(0, 32);
    assert.equal(low, 0);
    close(high, 0.107183);
  });

  it('31/32', () => {
    // p = 0.96875; center = (0.96875 + 0.060025)/1.12005 = 0.918508;
    // p(1−p)/n = 0.96875·0.03125/32 = 0.000946045, + z²/4n² = 0.000937891 → √0.001883936 = 0.043404;
    // half = 1.749922·0.043404 = 0.075954 → [0.842554, 0.994462].
    const { low, high } = wilsonInterval(31, 32);
    close(low, 0.842554);
    close(high, 0.994462);
  });

  it('10/20 is symmetric about 1/2', () => {
    // d = 1.19208; center = (0.5 + 0.09604)/1.19208 = 0.5;
    // half = (1.96/1.19208)·√(0.0125 + 0.002401) = 1.644185·0.122070 = 0.200705.
    const { low, high } = wilsonInterval(10, 20);
    close(low, 0.299295);
    close(high, 0.700705);
  });

  it('n/n ends at exactly 1', () => {
    assert.equal(wilsonInterval(32, 32).high, 1);
  });

  it('names what is wrong with bad counts', () => {
    assert.throws(() => wilsonInterval(3, 0), /n must be a positive integer, found 0/);
    assert.throws(() => wilsonInterval(5, 4), /successes must be an integer in \[0, 4\], found 5/);
  });
});

describe('exact McNemar test', () => {
  it('no discordant pairs: p = 1', () => {
    // "0/32 → 0/32": b = c = 0, P(X ≤ 0) for X ~ Bin(0, 1/2) is 1, doubled and capped at 1.
    assert.deepEqual(mcnemarExact(0, 0), { b: 0, c: 0, pValue: 1 });
  });

  it('b = 1, c = 0: p = 1', () => {
    // 2·P(X ≤ 0), X ~ Bin(1, 1/2) = 2·0.5 = 1.
    assert.equal(mcnemarExact(1, 0).pValue, 1);
  });

  it('b = 0, c = 5: p = 2/32', () => {
    // 2·P(X ≤ 0), X ~ Bin(5, 1/2) = 2·(1/32) = 0.0625.
    close(mcnemarExact(0, 5).pValue, 0.0625, 1e-12);
  });

  it('b = 2, c = 8: p = 112/1024', () => {
    // 2·(C(10,0) + C(10,1) + C(10,2))/2¹⁰ = 2·(1 + 10 + 45)/1024 = 0.109375.
    close(mcnemarExact(2, 8).pValue, 0.109375, 1e-12);
    assert.equal(mcnemarExact(8, 2).pValue, mcnemarExact(2, 8).pValue);
  });

  it('stays finite where 2^−n underflows', () => {
    // b = c = 600: the distribution is symmetric and P(X ≤ n/2) = 1/2 + P(X = n/2)/2, so p > 1 → 1.
    assert.equal(mcnemarExact(600, 600).pValue, 1);
    // b = 500, c = 700: z ≈ (700 − 500)/√1200 = 5.77, two-sided p ≈ 1e−8: tiny but not 0.
    const p = mcnemarExact(500, 700).pValue;
    assert.ok(p > 0 && p < 1e-7, String(p));
  });

  it('counts discordant pairs from per-image outcomes', () => {
    // Images: right→right, right→wrong, wrong→right, wrong→right, wrong→wrong.
    assert.deepEqual(
      discordantPairs([true, true, false, false, false], [true, false, true, true, false]),
      { b: 1, c: 2 },
    );
  });
});
