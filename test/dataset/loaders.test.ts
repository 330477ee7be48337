import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { buildDataset } from '../../dataset/build-dataset.js';
import { loadBenignImageNet, loadImageNetA } from '../../dataset/loaders/imagenet-loaders.js';
import { selectImages, type Selection } from '../../dataset/select-images.js';
import { FolderSource } from '../../dataset/sources/folder-source.js';
import { openImageSource } from '../../dataset/sources/open-source.js';
import { StoreSource } from '../../dataset/sources/store-source.js';
import { TarSource } from '../../dataset/sources/tar-source.js';
import { DatasetTooSmallError } from '../../dataset/sample-split.js';
import { LocalStore } from '../../store/local-store.js';
import { createS3Client, ensureBucket, S3Store } from '../../store/s3-store.js';
import { s3TestEndpoint } from '../setup/services.js';
import {
  imageFiles,
  makeJpeg,
  makePng,
  tarFolder,
  useTempDir,
  WNIDS,
  writeTree,
} from './fixtures.js';

const [W0, W1, W2, W3] = WNIDS;

function shaSets(selection: Selection): Record<string, string[]> {
  return Object.fromEntries(
    [...selection.byClass].map(([wnid, images]) => [wnid, images.map((i) => i.sha256).sort()]),
  );
}

function reasonsFor(
  problems: readonly { uri: string; reason: string }[],
  needle: string,
): string[] {
  return problems.filter((p) => p.uri.includes(needle)).map((p) => p.reason);
}

describe('dataset loaders', () => {
  const dir = useTempDir();

  it('reads ImageNet-A by its README class list and the matching benign classes only', async () => {
    await writeTree(dir(), {
      ...(await imageFiles([W0, W1, W2], 3, { prefix: 'imagenet-a/' })),
      'imagenet-a/README.txt': `ImageNet-A\n\n${W0} stingray\n${W1} goldfinch\n${W2} junco\n`,
      ...(await imageFiles([W0, W1, W2, W3], 2, { prefix: 'train/', ext: '.JPEG', seedBase: 50 })),
    });
    const adversarialTree = await loadImageNetA(new FolderSource(path.join(dir(), 'imagenet-a')));
    assert.deepEqual([...adversarialTree.byClass.keys()].sort(), [W0, W1, W2]);
    assert.deepEqual(adversarialTree.problems, []);
    const benignTree = await loadBenignImageNet(new FolderSource(path.join(dir(), 'train')), [
      ...adversarialTree.byClass.keys(),
    ]);
    assert.deepEqual([...benignTree.byClass.keys()].sort(), [W0, W1, W2], `${W3} is not wanted`);

    const selected = await selectImages(adversarialTree, 7, () => undefined);
    assert.deepEqual(selected.problems, []);
    const image = selected.byClass.get(W1)![0]!;
    const bytes = await readFile(image.uri);
    assert.equal(image.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.ok(path.isAbsolute(image.uri) && image.uri.includes(`${W1}/`));
  });

  it('puts missing classes, empty folders, non-images and broken images on the problem list', async () => {
    const good = await imageFiles([W0, W3], 3);
    const broken = await makeJpeg(99, 64);
    await writeTree(dir(), {
      ...good,
      [`${W0}/notes.txt`]: 'not an image',
      [`${W0}/fake.jpg`]: 'GIF89a, or rather text pretending to be a JPEG',
      [`${W0}/truncated.jpg`]: broken.subarray(0, Math.floor(broken.length / 2)),
      [`${W0}/empty.jpg`]: '',
      [`${W0}/photo-as-png.JPEG`]: await makePng(5),
      [`${W0}/photo.webp`]: await sharp(await makeJpeg(6))
        .webp()
        .toBuffer(),
      [`${W2}/`]: '',
    });
    const tree = await loadImageNetA(new FolderSource(dir()), [W0, W1, W2, W3]);
    const selection = await selectImages(tree, 1, () => undefined);
    const problems = [...tree.problems, ...selection.problems];

    assert.deepEqual(reasonsFor(problems, W1), [`missing class folder ${W1} (adversarial)`]);
    assert.deepEqual(reasonsFor(problems, W2), [`empty class folder ${W2} (adversarial)`]);
    assert.match(reasonsFor(problems, 'notes.txt')[0]!, /not an image/);
    assert.match(reasonsFor(problems, 'fake.jpg')[0]!, /not an image/);
    assert.match(reasonsFor(problems, 'truncated.jpg')[0]!, /unreadable image/);
    assert.match(reasonsFor(problems, 'empty.jpg')[0]!, /empty file/);
    assert.equal(problems.length, 6);
    assert.equal(selection.byClass.get(W0)!.length, 5, 'three JPEGs, a PNG and a WebP');
    assert.equal(selection.byClass.get(W3)!.length, 3);
  });

  it('replaces a broken draw by the next image and rejects in-class duplicates', async () => {
    const files = await imageFiles([W0], 4);
    await writeTree(dir(), {
      ...files,
      [`${W0}/bad-1.jpg`]: 'text',
      [`${W0}/bad-2.jpg`]: 'text',
      [`${W0}/copy-of-0.jpg`]: files[`${W0}/0.jpg`]!,
    });
    const tree = await loadImageNetA(new FolderSource(dir()), [W0]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const selection = await selectImages(tree, seed, () => 4);
      const kept = selection.byClass.get(W0)!;
      assert.equal(kept.length, 4, `seed ${seed}: always 4 usable images`);
      assert.equal(new Set(kept.map((i) => i.sha256)).size, 4);
    }
    const all = await selectImages(tree, 1, () => undefined);
    assert.equal(all.problems.filter((p) => /exact duplicate of/.test(p.reason)).length, 1);
  });

  it('fails a data set left with too few images, naming the class and its counts', async () => {
    await writeTree(dir(), {
      ...(await imageFiles([W0, W1], 3, { prefix: 'a/' })),
      ...(await imageFiles([W0], 3, { prefix: 'b/', seedBase: 500 })),
      [`b/${W1}/0.JPEG`]: await makeJpeg(777),
      [`b/${W1}/1.JPEG`]: 'corrupt',
      [`b/${W1}/2.JPEG`]: 'corrupt',
    });
    const build = buildDataset(
      {
        seed: 3,
        data: {
          kind: 'folder',
          adversarialRoot: path.join(dir(), 'a'),
          benignRoot: path.join(dir(), 'b'),
          classes: [W0, W1],
        },
      },
      { store: new LocalStore(path.join(dir(), 'store')) },
    );
    await assert.rejects(build, (error: Error) => {
      assert.ok(error instanceof DatasetTooSmallError);
      assert.match(error.message, new RegExp(`${W1} \\(1 benign, 3 adversarial\\)`));
      assert.doesNotMatch(error.message, new RegExp(W0));
      return true;
    });
  });

  it('reads the same images from a tar and a tar.gz archive as from the folder', async () => {
    await writeTree(path.join(dir(), 'tree'), {
      ...(await imageFiles([W0, W1], 3, { prefix: 'imagenet-a/' })),
      [`imagenet-a/${W1}/junk.jpg`]: 'junk',
    });
    const folder = await selectImages(
      await loadImageNetA(new FolderSource(path.join(dir(), 'tree')), [W0, W1]),
      1,
      () => undefined,
    );
    for (const [name, gzip] of [
      ['a.tar', false],
      ['a.tar.gz', true],
    ] as const) {
      const archive = path.join(dir(), name);
      await tarFolder(path.join(dir(), 'tree'), archive, { gzip });
      const tree = await loadImageNetA(new TarSource(archive), [W0, W1]);
      const selection = await selectImages(tree, 1, () => undefined);
      assert.deepEqual(shaSets(selection), shaSets(folder), name);
      const uri = selection.byClass.get(W0)![0]!.uri;
      assert.match(
        uri,
        new RegExp(`^tar://${archive.replace(/[.]/g, '\\.')}#imagenet-a/${W0}/\\d\\.jpg$`),
      );
      assert.equal(selection.problems.length, 1);
      assert.match(selection.problems[0]!.uri, /#imagenet-a\/n01531178\/junk\.jpg$/);
    }
  });

  it('keeps the members before the damage of a cut archive and reports the archive', async () => {
    await writeTree(path.join(dir(), 'tree'), await imageFiles([W0], 6));
    const archive = path.join(dir(), 'cut.tar');
    await tarFolder(path.join(dir(), 'tree'), archive, { format: 'gnu' });
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(archive));
    await truncate(archive, Math.floor(size / 2));
    const tree = await loadImageNetA(new TarSource(archive), [W0]);
    assert.match(tree.problems[0]!.reason, /archive unreadable past this point/);
    const kept = tree.byClass.get(W0)!.length;
    assert.ok(kept > 0 && kept < 6, `kept ${kept} of 6 members`);
  });

  it('reads a store prefix through the local store', async () => {
    const store = new LocalStore(path.join(dir(), 'store'));
    for (const [key, bytes] of Object.entries(
      await imageFiles([W0, W1], 2, { prefix: 'imagenet-a/' }),
    )) {
      await store.put(key, bytes);
    }
    const source = new StoreSource(new LocalStore(path.join(dir(), 'store', 'imagenet-a')));
    const selection = await selectImages(await loadImageNetA(source, [W0, W1]), 1, () => undefined);
    assert.equal(selection.byClass.get(W1)!.length, 2);
    assert.match(
      selection.byClass.get(W1)![0]!.uri,
      /^file:\/\/.*\/store\/imagenet-a\/n01531178\/\d\.jpg$/,
    );
  });

  it('reads an s3:// prefix on a real S3-compatible server', async () => {
    const endpoint = await s3TestEndpoint();
    const client = createS3Client(endpoint);
    await ensureBucket(client, 'dataset-loader-test');
    const store = new S3Store(client, 'dataset-loader-test', 'imagenet-a');
    const files = await imageFiles([W0, W1], 2);
    for (const [key, bytes] of Object.entries(files)) await store.put(key, bytes);
    await store.put(`${W1}/broken.jpg`, Buffer.from('broken'));
    client.destroy();

    const source = openImageSource('s3', 's3://dataset-loader-test/imagenet-a', { s3: endpoint });
    const selection = await selectImages(
      await loadImageNetA(source, [W0, W1, W2]),
      1,
      () => undefined,
    );
    assert.equal(selection.byClass.get(W0)!.length, 2);
    assert.equal(selection.byClass.get(W1)!.length, 2);
    assert.match(
      selection.byClass.get(W0)![0]!.uri,
      /^s3:\/\/dataset-loader-test\/imagenet-a\/n01498041\/\d\.jpg$/,
    );
    assert.deepEqual(
      selection.problems.map((p) => p.uri),
      [`s3://dataset-loader-test/imagenet-a/${W1}/broken.jpg`],
    );
  });
});
