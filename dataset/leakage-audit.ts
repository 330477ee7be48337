import * as z from 'zod';
import type { ManifestEntry } from './manifest.js';
import { HASH_BITS, hashFromHex, mirrored } from './perceptual-hash.js';

export const auditOptionsSchema = z.strictObject({
  /** Hash bits (of 128) that may differ for two images to count as near duplicates. On the demo
   * world, distinct images were at least 13 bits apart and most augmented copies 0–4. */
  hammingThreshold: z.number().int().min(0).max(64).default(10),
  /** Offending pairs listed per kind; the counts are always complete. */
  maxListedPairs: z.number().int().nonnegative().default(50),
});
export type AuditOptions = z.input<typeof auditOptionsSchema>;

const leakPairSchema = z.strictObject({
  trainId: z.string(),
  testId: z.string(),
  trainUri: z.string(),
  testUri: z.string(),
  /** Hash distance, the smaller of plain and mirrored (flips are a common augmentation). */
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
  /** Hash within the threshold, exact duplicates excluded. */
  near: findingSchema,
  /** By the manifest's own lineage: a test image and a training image made from one original
   * (what the content checks should find; it also shows what they miss). */
  sharedOriginal: findingSchema,
  /** Share of test images with an exact or near duplicate in training. */
  leakedTestFraction: z.number().min(0).max(1),
});
export type LeakageAudit = z.infer<typeof leakageAuditSchema>;

/** Hashes, content and lineage of one split as typed arrays and small integers, so that the
 * O(train × test) loop touches no strings: 20,000 × 3,000 images took 2.3 s on a busy 2-core
 * machine (about 5× faster than with strings and bigints). */
interface SplitTable {
  entries: ManifestEntry[];
  /** WORDS 32-bit words per image, most significant first. */
  hash: Uint32Array;
  mirror: Uint32Array;
  content: Int32Array;
  origin: Int32Array;
}

const WORDS = HASH_BITS / 32;

/**
 * Compares every test image with every training image, plain and mirrored hash.
 */
export function auditLeakage(
  entries: readonly ManifestEntry[],
  options: AuditOptions = {},
): LeakageAudit {
  const { hammingThreshold, maxListedPairs } = auditOptionsSchema.parse(options);
  const contentIds = new Map<string, number>();
  const originIds = new Map<string, number>();
  const originOf = firstOriginals(entries);
  const table = (split: ManifestEntry['split']): SplitTable =>
    tabulate(
      entries.filter((e) => e.split === split),
      contentIds,
      originIds,
      originOf,
    );
  const train = table('train');
  const test = table('test');
  const exact = new Finding(maxListedPairs);
  const near = new Finding(maxListedPairs);
  const shared = new Finding(maxListedPairs);
  for (let t = 0; t < test.entries.length; t++) {
    const [content, origin, at] = [test.content[t]!, test.origin[t]!, t * WORDS];
    for (let r = 0; r < train.entries.length; r++) {
      const sameContent = content === train.content[r];
      const sameOrigin = origin === train.origin[r];
      let plain = 0;
      let flipped = 0;
      for (let w = 0; w < WORDS; w++) {
        plain += popcount(test.hash[at + w]! ^ train.hash[r * WORDS + w]!);
        flipped += popcount(test.hash[at + w]! ^ train.mirror[r * WORDS + w]!);
      }
      const distance = plain < flipped ? plain : flipped;
      if (!sameContent && !sameOrigin && distance > hammingThreshold) continue;
      const [trainEntry, testEntry] = [train.entries[r]!, test.entries[t]!];
      if (sameContent) exact.add(trainEntry, testEntry, distance);
      else if (distance <= hammingThreshold) near.add(trainEntry, testEntry, distance);
      if (sameOrigin) shared.add(trainEntry, testEntry, distance);
    }
  }
  const leaked = new Set([...exact.testIds, ...near.testIds]);
  return {
    trainImages: train.entries.length,
    testImages: test.entries.length,
    hammingThreshold,
    exact: exact.result(),
    near: near.result(),
    sharedOriginal: shared.result(),
    leakedTestFraction: test.entries.length === 0 ? 0 : leaked.size / test.entries.length,
  };
}

/**
 * Each entry's first original: a copy of a view of a photo (adversarial filtration, then
 * training augmentation) goes back to the photo, so its lineage meets that of the photo's other
 * views.
 */
function firstOriginals(entries: readonly ManifestEntry[]): (entry: ManifestEntry) => string {
  const madeFrom = new Map<string, string>();
  for (const e of entries) if (e.augmentation !== null) madeFrom.set(e.id, e.augmentation.of);
  return (entry) => {
    let id = entry.id;
    // Bounded: a malformed manifest with a cycle must not hang the audit.
    for (let step = 0; step <= entries.length && madeFrom.has(id); step++) id = madeFrom.get(id)!;
    return id;
  };
}

function tabulate(
  entries: ManifestEntry[],
  contentIds: Map<string, number>,
  originIds: Map<string, number>,
  originOf: (entry: ManifestEntry) => string,
): SplitTable {
  const n = entries.length;
  const out: SplitTable = {
    entries,
    hash: new Uint32Array(n * WORDS),
    mirror: new Uint32Array(n * WORDS),
    content: new Int32Array(n),
    origin: new Int32Array(n),
  };
  const idOf = (ids: Map<string, number>, key: string): number => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  entries.forEach((entry, i) => {
    const hash = hashFromHex(entry.dhash);
    const mirror = mirrored(hash);
    for (let w = 0; w < WORDS; w++) {
      const shift = BigInt((WORDS - 1 - w) * 32);
      out.hash[i * WORDS + w] = Number((hash >> shift) & 0xffffffffn);
      out.mirror[i * WORDS + w] = Number((mirror >> shift) & 0xffffffffn);
    }
    out.content[i] = idOf(contentIds, entry.sha256);
    out.origin[i] = idOf(originIds, originOf(entry));
  });
  return out;
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
