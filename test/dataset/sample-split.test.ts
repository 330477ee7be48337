import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  pairImages,
  planSplit,
  type ImagePair,
  type PlannedImage,
  type SplitOptions,
} from '../../dataset/sample-split.js';
import type { Selection, ValidImage } from '../../dataset/select-images.js';
import { WNIDS } from './fixtures.js';

function image(wnid: string, role: 'benign' | 'adversarial', n: number): ValidImage {
  const sha256 = createHash('sha256').update(`${wnid}/${role}/${n}`).digest('hex');
  return {
    path: `${wnid}/${n}.jpg`,
    uri: `/data/${role}/${wnid}/${n}.jpg`,
    wnid,
    role,
    sha256,
    dhash: sha256.slice(0, 32),
  };
}

function selection(role: 'benign' | 'adversarial', counts: Record<string, number>): Selection {
  const byClass = new Map(
    Object.entries(counts).map(([wnid, n]) => [
      wnid,
      Array.from({ length: n }, (_, i) => image(wnid, role, i)),
    ]),
  );
  return { byClass, problems: [] };
}

function pairsOf(perClass: number, classes = 3): ImagePair[] {
  const counts = Object.fromEntries(WNIDS.slice(0, classes).map((w) => [w, perClass]));
  return pairImages(selection('benign', counts), selection('adversarial', counts), {
    minImagesPerClass: 2,
  });
}

const origin = (p: PlannedImage): string => p.augmentation?.of ?? p.id;

function originsBySplit(plan: readonly PlannedImage[]): { train: Set<string>; test: Set<string> } {
  return {
    train: new Set(plan.filter((p) => p.split === 'train').map(origin)),
    test: new Set(plan.filter((p) => p.split === 'test').map(origin)),
  };
}

const LEAK_FREE: SplitOptions = {
  protocol: 'leak-free',
  trainFraction: 0.8,
  seed: 11,
  augmentation: { enabled: true, copies: 5 },
};
const PAPER: SplitOptions = { ...LEAK_FREE, protocol: 'paper' };

describe('sampling, pairing and split', () => {
  it('pairs the i-th benign with the i-th adversarial image of a class, up to the cap', () => {
    const pairs = pairImages(
      selection('benign', { [WNIDS[0]]: 6, [WNIDS[1]]: 3 }),
      selection('adversarial', { [WNIDS[0]]: 4, [WNIDS[1]]: 5, [WNIDS[2]]: 4 }),
      { minImagesPerClass: 2, imagesPerClass: 3 },
    );
    assert.equal(pairs.filter((p) => p.wnid === WNIDS[0]).length, 3);
    assert.equal(pairs.filter((p) => p.wnid === WNIDS[1]).length, 3);
    assert.ok(!pairs.some((p) => p.wnid === WNIDS[2]), 'a class without benign images is left out');
    for (const p of pairs) {
      assert.equal(p.benign.wnid, p.adversarial.wnid);
      assert.equal(p.benign.path, p.adversarial.path, 'same draw position');
    }
    assert.equal(new Set(pairs.map((p) => p.pairId)).size, pairs.length);
  });

  it('leak-free: splits each class by original, then augments the training split only', () => {
    const pairs = pairsOf(10);
    const plan = planSplit(pairs, LEAK_FREE);
    const { train, test } = originsBySplit(plan);
    assert.deepEqual(
      [...test].filter((o) => train.has(o)),
      [],
      'no original on both sides',
    );
    assert.ok(plan.filter((p) => p.split === 'test').every((p) => p.augmentation === null));
    for (const wnid of WNIDS.slice(0, 3)) {
      const ofClass = plan.filter((p) => p.wnid === wnid);
      assert.equal(
        ofClass.filter((p) => p.split === 'test').length,
        2 * 2,
        '20% of 10 pairs, two roles',
      );
      assert.equal(
        ofClass.filter((p) => p.split === 'train').length,
        8 * 5 * 2,
        '8 pairs, 5 copies each',
      );
    }
    for (const p of plan) {
      const partner = plan.filter((q) => q.pairId === p.pairId);
      assert.deepEqual(partner.map((q) => q.role).sort(), ['adversarial', 'benign']);
      assert.ok(partner.every((q) => q.split === p.split));
    }
  });

  it('paper: augments first and splits the copies, so test holds copies of training originals', () => {
    const plan = planSplit(pairsOf(10), PAPER);
    assert.equal(plan.length, 3 * 10 * 5 * 2);
    assert.equal(plan.filter((p) => p.split === 'test').length, 3 * 10 * 2);
    const { train, test } = originsBySplit(plan);
    const shared = [...test].filter((o) => train.has(o));
    assert.ok(
      shared.length > 0.5 * test.size,
      `${shared.length} of ${test.size} test originals also train`,
    );
    assert.ok(
      plan.some((p) => p.split === 'test' && p.augmentation !== null),
      'augmented copies in test',
    );
  });

  it('is deterministic from the seed', () => {
    const pairs = pairsOf(10);
    const ids = (plan: PlannedImage[]): string[] => plan.map((p) => `${p.id}:${p.split}`);
    assert.deepEqual(ids(planSplit(pairs, PAPER)), ids(planSplit(pairs, PAPER)));
    assert.notDeepEqual(
      ids(planSplit(pairs, PAPER)),
      ids(planSplit(pairs, { ...PAPER, seed: 12 })),
    );
    assert.notDeepEqual(
      ids(planSplit(pairs, LEAK_FREE)),
      ids(planSplit(pairs, { ...LEAK_FREE, seed: 12 })),
    );
  });

  it('keeps a training and a test pair in the smallest classes and needs copies for paper', () => {
    const plan = planSplit(pairsOf(2), { ...LEAK_FREE, trainFraction: 0.95 });
    assert.equal(plan.filter((p) => p.split === 'test').length, 3 * 2);
    assert.throws(
      () => planSplit(pairsOf(3), { ...PAPER, augmentation: { enabled: false, copies: 5 } }),
      /paper protocol augments before splitting/,
    );
    const plain = planSplit(pairsOf(3), {
      ...LEAK_FREE,
      augmentation: { enabled: false, copies: 5 },
    });
    assert.ok(plain.every((p) => p.augmentation === null));
  });

  describe('with images that share an original (views of one photo)', () => {
    /** Pairs made of views: class c's views all come from `photosPerClass[c]` photos, dealt in turn. */
    function viewPairs(photosPerClass: number[], pairsPerClass = 4) {
      const photoOf = new Map<string, string>();
      const pairs = photosPerClass.flatMap((photos, c) => {
        const wnid = WNIDS[c]!;
        return Array.from({ length: pairsPerClass }, (_, i) => {
          const benign = image(wnid, 'benign', i);
          const adversarial = image(wnid, 'adversarial', i);
          const photo = `${wnid}/photo-${i % photos}`;
          photoOf.set(benign.sha256, photo);
          photoOf.set(adversarial.sha256, photo);
          return { pairId: `${wnid}/${i}`, wnid, benign, adversarial };
        });
      });
      const originOf = (img: ValidImage): string => photoOf.get(img.sha256)!;
      const photosIn = (plan: PlannedImage[], split: 'train' | 'test'): Set<string> =>
        new Set(plan.filter((p) => p.split === split).map((p) => originOf(p.original)));
      return { pairs, originOf, photosIn };
    }

    it('keeps every view of a photo on one side, splitting a class by photo', () => {
      const { pairs, originOf, photosIn } = viewPairs([2, 2, 2], 6);
      const plan = planSplit(pairs, { ...LEAK_FREE, originOf });
      const [train, test] = [photosIn(plan, 'train'), photosIn(plan, 'test')];
      assert.deepEqual(
        [...train].filter((photo) => test.has(photo)),
        [],
      );
      for (const wnid of WNIDS.slice(0, 3)) {
        assert.ok(
          [...train].some((photo) => photo.startsWith(wnid)),
          `${wnid} trains`,
        );
        assert.ok(
          [...test].some((photo) => photo.startsWith(wnid)),
          `${wnid} tests`,
        );
      }
      // Without the lineage, the views of one photo land on both sides.
      const leaky = planSplit(pairs, LEAK_FREE);
      const leakyTrain = photosIn(leaky, 'train');
      assert.ok([...photosIn(leaky, 'test')].some((photo) => leakyTrain.has(photo)));
    });

    it('splits classes of a single photo among each other, whole', () => {
      const { pairs, originOf, photosIn } = viewPairs([1, 1, 1, 1, 1], 3);
      const plan = planSplit(pairs, { ...LEAK_FREE, originOf });
      const [train, test] = [photosIn(plan, 'train'), photosIn(plan, 'test')];
      assert.equal(train.size, 4);
      assert.equal(test.size, 1);
      assert.deepEqual(
        [...train].filter((photo) => test.has(photo)),
        [],
      );
      const classesOf = (split: string) =>
        new Set(plan.filter((p) => p.split === split).map((p) => p.wnid));
      assert.equal(classesOf('train').size + classesOf('test').size, 5);
      assert.deepEqual(
        plan.map((p) => p.id),
        planSplit(pairs, { ...LEAK_FREE, originOf }).map((p) => p.id),
      );
    });
  });
});
