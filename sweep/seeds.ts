import { Rng } from '../ml/rng.js';

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Which random stream of a sweep a generator belongs to: streams never share draws. */
export type SeedStream = 'random-trial' | 'tpe-generation';

const STREAM_TAGS: Record<SeedStream, number> = { 'random-trial': 1, 'tpe-generation': 2 };

/**
 * A generator determined by (sweep seed, stream, index) alone, so a trial's or a generation's draws
 * do not depend on how many others were drawn before it.
 */
export function derivedRng(seed: number, stream: SeedStream, index: number): Rng {
  let h = fmix32(seed ^ 0x9e3779b9);
  h = fmix32(h ^ Math.imul(STREAM_TAGS[stream], 0x27d4eb2d));
  h = fmix32(h ^ (index >>> 0));
  return Rng.fromSeed(h);
}
