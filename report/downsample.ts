/**
 * Indices of the points to draw so that a long series (25,000 GAN iterations) fits in about
 * `maxPoints` points without hiding spikes: the first and last points, then per bucket of
 * consecutive indices its minimum and its maximum (so every extreme survives), in index order.
 * A null (a gap) inside a bucket is kept too, so gaps survive. Short series come back whole.
 */
export function minMaxBucketIndices(
  values: readonly (number | null)[],
  maxPoints: number,
): number[] {
  const n = values.length;
  if (!Number.isInteger(maxPoints) || maxPoints < 5) {
    // The two ends plus one bucket's gap, minimum and maximum.
    throw new Error(`downsampling needs at least 5 points, got ${maxPoints}`);
  }
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  // Each bucket can contribute up to three points: a gap, its minimum and its maximum.
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 3));
  const interior = n - 2;
  const kept = [0];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * interior) / buckets);
    const end = 1 + Math.floor(((b + 1) * interior) / buckets);
    let min = -1;
    let max = -1;
    let gap = -1;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (v === null) {
        if (gap < 0) gap = i;
        continue;
      }
      if (min < 0 || v < values[min]!) min = i;
      if (max < 0 || v > values[max]!) max = i;
    }
    kept.push(...[...new Set([gap, min, max])].filter((i) => i >= 0).sort((a, b) => a - b));
  }
  kept.push(n - 1);
  return kept;
}
