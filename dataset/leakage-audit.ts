import * as z from 'zod';
import type { ManifestEntry } from './manifest.js';
import { hashFromHex, mirrored } from './perceptual-hash.js';

export const auditOptionsSchema = z.strictObject({
  /** dHash bits (of 64) that may differ for two images to count as near duplicates. */
  hammingThreshold: z.number().int().min(0).max(32).default(6),
  /** Offending pairs listed per kind; the counts are always complete. */
  maxListedPairs: z.number().int().nonnegative().default(50),
});
export type AuditOptions = z.input<typeof auditOptionsSchema>;

const leakPairSchema = z.strictObject({
  trainId: z.string(),
  testId: z.string(),
  trainUri: z.string(),
  testUri: z.string(),
  /** dHash distance, the smaller of plain and mirrored (flips are a common augmentation). */
  distance: z.number().int(),
});
export type LeakPair = z.infer<typeof leakPairSchema>;

const findingSchema = z.strictObject({
  /** Test images with at least one match in the training split. */
  testImages: z.number().int().nonnegative(),
  /** Matching (train, test) pairs in all. */
  pairCount: z.number().int().nonnegative(),
  pairs: z.array(leakPairSchema),
});

export const leakageAuditSchema = z.strictObject({
  trainImages: z.number().int().nonnegative(),
  testImages: z.number().int().nonnegative(),
  hammingThreshold: z.number().int(),
  /** Same sha256 on both sides. */
  exact: findingSchema,
  /** dHash within the threshold, exact duplicates excluded. */
  near: findingSchema,
  /** By the manifest's own lineage: a test image and a training image made from one original
   * (what the content checks should find; it also shows what they miss). */
  sharedOriginal: findingSchema,
  /** Share of test images with an exact or near duplicate in training. */
  leakedTestFraction: z.number().min(0).max(1),
});
export type LeakageAudit = z.infer<typeof leakageAuditSchema>;

interface Hashed {
  entry: ManifestEntry;
  hi: number;
  lo: number;
  mirrorHi: number;
  mirrorLo: number;
  origin: string;
}

/**
 * Compares every test image with every training image: O(train × test) popcounts of two
 * 32-bit words, about a second for ImageNet-A's size.
 */
export function auditLeakage(
  entries: readonly ManifestEntry[],
  options: AuditOptions = {},
): LeakageAudit {
  const { hammingThreshold, maxListedPairs } = auditOptionsSchema.parse(options);
  const train = entries.filter((e) => e.split === 'train').map(hashed);
  const test = entries.filter((e) => e.split === 'test').map(hashed);
  const exact = new Finding(maxListedPairs);
  const near = new Finding(maxListedPairs);
  const shared = new Finding(maxListedPairs);
  for (const t of test) {
    for (const r of train) {
      const plain = popcount(t.hi ^ r.hi) + popcount(t.lo ^ r.lo);
      const flipped = popcount(t.hi ^ r.mirrorHi) + popcount(t.lo ^ r.mirrorLo);
      const distance = Math.min(plain, flipped);
      if (t.entry.sha256 === r.entry.sha256) exact.add(r.entry, t.entry, distance);
      else if (distance <= hammingThreshold) near.add(r.entry, t.entry, distance);
      if (t.origin === r.origin) shared.add(r.entry, t.entry, distance);
    }
  }
  const leaked = new Set([...exact.testIds, ...near.testIds]);
  return {
    trainImages: train.length,
    testImages: test.length,
    hammingThreshold,
    exact: exact.result(),
    near: near.result(),
    sharedOriginal: shared.result(),
    leakedTestFraction: test.length === 0 ? 0 : leaked.size / test.length,
  };
}

function hashed(entry: ManifestEntry): Hashed {
  const hash = hashFromHex(entry.dhash);
  const mirror = mirrored(hash);
  return {
    entry,
    hi: Number(hash >> 32n),
    lo: Number(hash & 0xffffffffn),
    mirrorHi: Number(mirror >> 32n),
    mirrorLo: Number(mirror & 0xffffffffn),
    origin: entry.augmentation?.of ?? entry.id,
  };
}

function popcount(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

class Finding {
  readonly testIds = new Set<string>();
  private pairCount = 0;
  private readonly pairs: LeakPair[] = [];

  constructor(private readonly maxListed: number) {}

  add(train: ManifestEntry, test: ManifestEntry, distance: number): void {
    this.testIds.add(test.id);
    this.pairCount++;
    if (this.pairs.length < this.maxListed) {
      this.pairs.push({
        trainId: train.id,
        testId: test.id,
        trainUri: train.uri,
        testUri: test.uri,
        distance,
      });
    }
  }

  result(): z.infer<typeof findingSchema> {
    return { testImages: this.testIds.size, pairCount: this.pairCount, pairs: this.pairs };
  }
}
