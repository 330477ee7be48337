import { Rng } from '../ml/rng.js';

/** FNV-1a of a label, mixed into a seed: every (seed, label) gets its own stream, so adding a
 * class or a role leaves the draws of the others unchanged. */
export function rngFor(seed: number, label: string): Rng {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return Rng.fromSeed((seed ^ hash) >>> 0);
}
