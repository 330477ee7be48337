import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import sharp from 'sharp';
import { augmentImage } from '../../dataset/augment.js';
import { buildDataset, type BuiltDataset } from '../../dataset/build-dataset.js';
import { auditLeakage } from '../../dataset/leakage-audit.js';
import type { ManifestEntry } from '../../dataset/manifest.js';
import { dHash, hammingDistance, hashToHex, mirrored } from '../../dataset/perceptual-hash.js';
import { LocalStore } from '../../store/local-store.js';
import { makeJpeg, useTempDir, WNIDS } from './fixtures.js';

async function entry(id: string, bytes: Buffer, split: 'train' | 'test'): Promise<ManifestEntry> {
  return {
    id: createHash('sha256').update(id).digest('hex').slice(0, 16),
    uri: `/data/${id}.jpg`,
    wnid: WNIDS[0],
    classIndex: 6,
    role: 'adversarial',
    split,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    dhash: hashToHex(await dHash(bytes)),
    pairId: null,
    augmentation: null,
  };
}

describe('leakage audit', () => {
  const dir = useTempDir();

  it('finds exact and near duplicates across the split, flips included, and nothing else', async () => {
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map((seed) => makeJpeg(seed, 48)));
    const flipped = await augmentImage(a!, { kind: 'flip' });
    const darker = await augmentImage(b!, { kind: 'brightness', factor: 0.8 });
    const entries = [
      await entry('a', a!, 'train'),
      await entry('b', b!, 'train'),
      await entry('c', c!, 'train'),
      await entry('a-flipped', flipped, 'test'),
      await entry('b-darker', darker, 'test'),
      await entry('c-again', c!, 'test'),
      await entry('d', d!, 'test'),
    ];
    const audit = auditLeakage(entries);
    assert.equal(audit.exact.testImages, 1);
    assert.equal(audit.exact.pairs[0]!.testUri, '/data/c-again.jpg');
    assert.deepEqual(audit.near.pairs.map((p) => p.testUri).sort(), [
      '/data/a-flipped.jpg',
      '/data/b-darker.jpg',
    ]);
    assert.equal(audit.leakedTestFraction, 3 / 4);
    assert.equal(audit.sharedOriginal.pairCount, 0, 'no lineage recorded in these entries');
  });

  it('follows lineage through copies of views back to the photo', async () => {
    const [photo, other] = await Promise.all([5, 6].map((seed) => makeJpeg(seed, 48)));
    const viewA = await augmentImage(photo!, { kind: 'crop', fraction: 0.5, left: 0, top: 0 });
    const viewB = await augmentImage(photo!, { kind: 'crop', fraction: 0.5, left: 1, top: 1 });
    const copyOfA = await augmentImage(viewA, { kind: 'brightness', factor: 1.2 });
    const photoId = 'f'.repeat(16);
    const a = { ...(await entry('view-a', viewA, 'train')), augmentation: null };
    const asView = (e: ManifestEntry): ManifestEntry => ({
      ...e,
      augmentation: { of: photoId, op: { kind: 'crop', fraction: 0.5, left: 0, top: 0 } },
    });
    const entries = [
      asView(a),
      {
        ...(await entry('copy-of-a', copyOfA, 'train')),
        augmentation: { of: a.id, op: { kind: 'brightness', factor: 1.2 } },
      },
      asView(await entry('view-b', viewB, 'test')),
      await entry('other', other!, 'test'),
    ] satisfies ManifestEntry[];
    const audit = auditLeakage(entries);
    assert.equal(audit.sharedOriginal.testImages, 1);
    assert.equal(audit.sharedOriginal.pairCount, 2, 'both the view and its copy share the photo');
    assert.ok(audit.sharedOriginal.pairs.every((p) => p.testUri.endsWith('view-b.jpg')));
  });

  it('computes the mirrored hash from the hash alone', async () => {
    const bytes = await makeJpeg(9, 64);
    const flippedHash = await dHash(await sharp(bytes).flop().toBuffer());
    const hash = await dHash(bytes);
    // A few bits differ: the flipped copy is re-encoded, and near-equal cells may swap order.
    assert.ok(hammingDistance(mirrored(hash), flippedHash) <= 8);
    assert.ok(hammingDistance(hash, flippedHash) > 32, 'a flip alone would escape a plain hash');
  });

  describe('on the demo world', () => {
    const build = (protocol: 'paper' | 'leak-free'): Promise<BuiltDataset> =>
      buildDataset(
        {
          seed: 5,
          data: { kind: 'demo', classes: 4, imageSize: 48, sampling: { imagesPerClass: 10 } },
          split: { protocol },
          demoRoot: path.join(dir(), 'demo'),
        },
        { store: new LocalStore(path.join(dir(), 'store')) },
      );

    it('detects the paper protocol’s leak from the pixels and finds none for leak-free', async () => {
      const paper = await build('paper');
      const leakFree = await build('leak-free');
      // Ground truth from lineage: paper puts copies of one original on both sides.
      assert.ok(paper.audit.sharedOriginal.testImages > 0);
      assert.equal(leakFree.audit.sharedOriginal.testImages, 0);
      // The content checks (hashes only) see the paper leak…
      const found = paper.audit.exact.testImages + paper.audit.near.testImages;
      assert.ok(
        found > 0.25 * paper.audit.testImages,
        `${found} of ${paper.audit.testImages} test images flagged`,
      );
      const lineage = new Set(
        paper.audit.sharedOriginal.pairs.map((p) => `${p.trainId}/${p.testId}`),
      );
      const flagged = paper.audit.near.pairs.filter((p) => lineage.has(`${p.trainId}/${p.testId}`));
      assert.ok(flagged.length > 0, 'flagged pairs are copies of one original');
      // …and find nothing when the split is leak-free.
      assert.equal(leakFree.audit.exact.pairCount, 0);
      assert.equal(leakFree.audit.near.pairCount, 0);
      assert.equal(leakFree.audit.leakedTestFraction, 0);
    });
  });
});
