import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildDataset,
  type BuildDatasetOptions,
  type DatasetProgress,
} from '../../dataset/build-dataset.js';
import { classIndexByWnid } from '../../dataset/imagenet-classes.js';
import { manifestSchema } from '../../dataset/manifest.js';
import { LocalStore } from '../../store/local-store.js';
import { imageFiles, useTempDir, WNIDS, writeTree } from './fixtures.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('buildDataset', () => {
  const dir = useTempDir();

  const demoOptions = (): BuildDatasetOptions => ({
    seed: 21,
    data: { kind: 'demo', classes: 3, imageSize: 32, sampling: { imagesPerClass: 5 } },
    split: { augmentation: { copies: 3 } },
    demoRoot: path.join(dir(), 'demo'),
  });

  it('builds a valid manifest from the demo world, with augmented copies in the store', async () => {
    const store = new LocalStore(path.join(dir(), 'store'));
    const progress: DatasetProgress[] = [];
    const built = await buildDataset(demoOptions(), { store, onProgress: (p) => progress.push(p) });
    const manifest = manifestSchema.parse(built.manifest);

    // 3 classes × 5 pairs: 4 train pairs × 3 copies + 1 test pair, two roles each.
    assert.equal(manifest.entries.length, 3 * (4 * 3 + 1) * 2);
    assert.deepEqual(manifest.summary.perRoleSplit, {
      'adversarial/test': 3,
      'adversarial/train': 36,
      'benign/test': 3,
      'benign/train': 36,
    });
    assert.deepEqual(manifest.problems, []);
    assert.equal(new Set(manifest.entries.map((e) => e.id)).size, manifest.entries.length);
    const indexOf = await classIndexByWnid();
    for (const e of manifest.entries) {
      assert.equal(e.classIndex, indexOf.get(e.wnid));
      const file = e.augmentation === null ? e.uri : fileURLToPath(e.uri);
      assert.equal(sha256(await readFile(file)), e.sha256, e.uri);
      if (e.augmentation !== null) {
        assert.ok(e.uri.startsWith(store.uri), 'augmented copies live in the artifact store');
        assert.ok(manifest.entries.some((o) => o.id === e.augmentation!.of && o.split === e.split));
      }
    }
    assert.deepEqual(
      [...new Set(progress.map((p) => p.stage))],
      ['generate', 'scan', 'select', 'augment', 'audit'],
    );
    assert.deepEqual(progress.at(-1), { stage: 'audit', done: 1, total: 1 });
    assert.equal(built.audit.testImages, 6);
  });

  it('gives the same manifest for the same seed', async () => {
    const first = await buildDataset(demoOptions(), {
      store: new LocalStore(path.join(dir(), 's1')),
    });
    const second = await buildDataset(demoOptions(), {
      store: new LocalStore(path.join(dir(), 's2')),
    });
    const strip = (m: typeof first.manifest): string[] =>
      m.entries.map((e) => `${e.id} ${e.split} ${e.sha256} ${e.pairId}`);
    assert.deepEqual(strip(second.manifest), strip(first.manifest));
  });

  it('adds ImageNet-O and its in-distribution reference as unpaired test entries', async () => {
    const goldfish = 'n01443537'; // ImageNet-O only
    const harvestman = 'n01770081'; // in both ImageNet-A and ImageNet-O
    const pairClasses = [WNIDS[0], harvestman];
    await writeTree(dir(), {
      ...(await imageFiles(pairClasses, 4, { prefix: 'a/' })),
      ...(await imageFiles([...pairClasses, goldfish], 6, {
        prefix: 'val/',
        ext: '.JPEG',
        seedBase: 100,
      })),
      ...(await imageFiles([goldfish, harvestman], 3, {
        prefix: 'o/',
        ext: '.JPEG',
        seedBase: 200,
      })),
    });
    const built = await buildDataset(
      {
        seed: 1,
        data: {
          kind: 'folder',
          adversarialRoot: path.join(dir(), 'a'),
          benignRoot: path.join(dir(), 'val'),
          imagenetORoot: path.join(dir(), 'o'),
          classes: pairClasses,
        },
        split: { augmentation: { enabled: false } },
      },
      { store: new LocalStore(path.join(dir(), 'store')) },
    );
    const { entries } = built.manifest;
    const ofRole = (role: string) => entries.filter((e) => e.role === role);
    assert.equal(ofRole('ood').length, 6);
    for (const e of [...ofRole('ood'), ...ofRole('in-distribution')]) {
      assert.equal(e.split, 'test');
      assert.equal(e.pairId, null);
    }
    // Goldfish gives all 6 val images; harvestman only the 2 not already paired.
    const reference = ofRole('in-distribution');
    assert.equal(reference.filter((e) => e.wnid === goldfish).length, 6);
    assert.equal(reference.filter((e) => e.wnid === harvestman).length, 2);
    const paired = new Set(ofRole('benign').map((e) => e.uri));
    assert.ok(reference.every((e) => !paired.has(e.uri)));
    assert.equal(built.audit.exact.pairCount, 0);
    // The other ImageNet-O classes have no folder here: reported, not fatal.
    const missing = (role: string): number =>
      built.manifest.problems.filter((p) => p.reason.endsWith(`(${role})`)).length;
    assert.equal(missing('ood'), 198);
    assert.equal(missing('in-distribution'), 198);
  });
});
