import type { ManifestEntry } from '../dataset/manifest.js';
import { InputError } from './input-error.js';
import type { TargetModel } from './stages/target-model-stage.js';

/** Each entry's class as a position among the target model's classes (before any label offset). */
export function labelsOf(entries: readonly ManifestEntry[], target: TargetModel): Int32Array {
  const position = new Map(target.classes.map((c, i) => [c.wnid, i]));
  return Int32Array.from(entries, (e) => {
    const label = position.get(e.wnid);
    if (label === undefined)
      throw new InputError(`class ${e.wnid} of ${e.uri} is not among the target model's classes`);
    return label;
  });
}
