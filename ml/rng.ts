import { z } from 'zod';

/** The complete state of an `Rng`: enough to continue its stream exactly (checkpoints). */
export const RngStateSchema = z.object({
  algorithm: z.literal('xoshiro128**'),
  s: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
});
export type RngState = z.infer<typeof RngStateSchema>;

const UINT32 = 0x1_0000_0000;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** splitmix32: spreads a small integer seed over the 128-bit xoshiro state. */
function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded xoshiro128** generator. Pure 32-bit integer arithmetic, so a seed gives the same
 * stream on every platform, and its whole state is four integers that a checkpoint can carry.
 * Normal draws do not cache the second Box–Muller value, so the state stays those four words.
 */
export class Rng {
  private s: [number, number, number, number];

  private constructor(s: [number, number, number, number]) {
    if (s.every((w) => w === 0)) throw new Error('xoshiro128** state must not be all zero');
    this.s = s;
  }

  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
    // Fold the high bits in so that seeds differing only above bit 31 still differ.
    const next = splitmix32((seed ^ Math.floor(seed / UINT32)) >>> 0);
    return new Rng([next(), next(), next(), next()]);
  }

  static fromState(state: RngState): Rng {
    const parsed = RngStateSchema.parse(state);
    return new Rng(parsed.s.map((w) => w >>> 0) as [number, number, number, number]);
  }

  state(): RngState {
    return { algorithm: 'xoshiro128**', s: [...this.s] };
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A seed for a child generator or a tfjs initializer, drawn from this stream. */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal (Box–Muller; one draw per call). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log never sees 0
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An integer in [0, n), without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > UINT32) {
      throw new Error(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    const limit = UINT32 - (UINT32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** `k` indices drawn from [0, n): with replacement (default), or distinct. */
  sampleIndices(n: number, k: number, replace = true): Int32Array {
    const out = new Int32Array(k);
    if (replace) {
      for (let i = 0; i < k; i++) out[i] = this.int(n);
      return out;
    }
    if (k > n) throw new Error(`cannot draw ${k} distinct indices from ${n}`);
    // Partial Fisher–Yates: only the first k positions are settled.
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const tmp = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = tmp;
      out[i] = pool[i]!;
    }
    return out;
  }

  /** A permutation of [0, n). */
  permutation(n: number): Int32Array {
    return this.sampleIndices(n, n, false);
  }

  /** Float32 values filled by `draw`, e.g. `rng.fill(n, () => rng.normal())`. */
  fill(length: number, draw: () => number): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = draw();
    return out;
  }
}
