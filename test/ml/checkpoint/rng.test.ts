import assert from 'node:assert/strict';
import { Rng } from '../../../ml/rng.js';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe('Rng (xoshiro128**)', () => {
  it('matches the reference C implementation', () => {
    // xoshiro128starstar.c (Blackman & Vigna) from state {1, 2, 3, 4}, compiled with gcc.
    const rng = Rng.fromState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 4] });
    assert.deepEqual(draws(rng, 5), [11520, 0, 5927040, 70819200, 2031721883]);
  });

  it('a seed fixes the stream; different seeds give different streams', () => {
    assert.deepEqual(draws(Rng.fromSeed(42), 50), draws(Rng.fromSeed(42), 50));
    assert.notDeepEqual(draws(Rng.fromSeed(42), 50), draws(Rng.fromSeed(43), 50));
    // Seeds that differ only above bit 31 differ too.
    assert.notDeepEqual(draws(Rng.fromSeed(1), 5), draws(Rng.fromSeed(1 + 2 ** 32), 5));
  });

  it('its state survives a JSON round trip and continues the stream exactly', () => {
    const rng = Rng.fromSeed(7);
    rng.normal();
    rng.shuffle([1, 2, 3]);
    const saved = JSON.parse(JSON.stringify(rng.state()));
    const expected = [rng.uniform(), rng.normal(), rng.int(10), ...rng.sampleIndices(100, 5)];
    const restored = Rng.fromState(saved);
    assert.deepEqual(
      [restored.uniform(), restored.normal(), restored.int(10), ...restored.sampleIndices(100, 5)],
      expected,
    );
  });

  it('rejects a state that is not four 32-bit words', () => {
    assert.throws(() => Rng.fromState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] }), /all zero/);
    assert.throws(() =>
      Rng.fromState(JSON.parse('{"algorithm":"pcg","s":[1,2,3,4]}') as ReturnType<Rng['state']>),
    );
  });

  it('uniform and normal draws have the right moments', () => {
    const rng = Rng.fromSeed(3);
    const n = 20_000;
    const u = Array.from({ length: n }, () => rng.uniform());
    assert.ok(u.every((x) => x >= 0 && x < 1));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    // Standard errors: uniform mean 0.002, normal mean 0.007, normal variance 0.01.
    assert.ok(Math.abs(mean(u) - 0.5) < 0.01);
    const z = Array.from({ length: n }, () => rng.normal());
    assert.ok(Math.abs(mean(z)) < 0.035);
    assert.ok(Math.abs(mean(z.map((x) => x * x)) - 1) < 0.05);
  });

  it('int(n) covers [0, n) evenly', () => {
    const rng = Rng.fromSeed(5);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[rng.int(6)]!++;
    // Each count is Binomial(6000, 1/6): mean 1000, sd ≈ 29.
    assert.ok(
      counts.every((c) => Math.abs(c - 1000) < 150),
      `${counts}`,
    );
    assert.throws(() => rng.int(0), /1 ≤ n/);
  });

  it('shuffles and samples without replacement as permutations', () => {
    const rng = Rng.fromSeed(9);
    const shuffled = rng.shuffle(Array.from({ length: 30 }, (_, i) => i));
    assert.deepEqual(
      [...shuffled].sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.notDeepEqual(
      shuffled,
      Array.from({ length: 30 }, (_, i) => i),
    );
    const distinct = rng.sampleIndices(50, 20, false);
    assert.equal(new Set(distinct).size, 20);
    assert.ok(distinct.every((i) => i >= 0 && i < 50));
    assert.deepEqual([...rng.permutation(8)].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.throws(() => rng.sampleIndices(3, 4, false), /distinct/);
  });
});
