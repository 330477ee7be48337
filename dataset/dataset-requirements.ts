import type { Manifest } from './manifest.js';

/** A classifier (the small CNN, AdvD's labels) needs at least two classes to tell apart. */
export const MIN_CLASSES = 2;

/**
 * What a built data set lacks for the later stages, each naming what was found: at least two
 * classes with benign/adversarial pairs (training, oneHot labels) and benign and adversarial
 * images on both sides of the split (features and GAN train, evaluation tests). Empty when fit.
 */
export function datasetShortfalls(manifest: Manifest): string[] {
  const shortfalls: string[] = [];
  const pairs = new Map<string, Set<string>>();
  for (const entry of manifest.entries) {
    if (entry.role !== 'benign' || entry.pairId === null) continue;
    pairs.set(entry.wnid, (pairs.get(entry.wnid) ?? new Set()).add(entry.pairId));
  }
  if (pairs.size < MIN_CLASSES) {
    const found = [...pairs].map(([wnid, ids]) => `${wnid}: ${ids.size} pairs`).join(', ');
    shortfalls.push(
      `${pairs.size} class(es) with benign/adversarial pairs${found ? ` (${found})` : ''}, ` +
        `at least ${MIN_CLASSES} are needed (is a class folder empty or missing?)`,
    );
  }
  for (const role of ['benign', 'adversarial'] as const) {
    for (const split of ['train', 'test'] as const) {
      const count = manifest.summary.perRoleSplit[`${role}/${split}`] ?? 0;
      if (count === 0) shortfalls.push(`no ${role} image in the ${split} split (0 found)`);
    }
  }
  return shortfalls;
}
