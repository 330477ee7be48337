import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { buildDataset } from '../../dataset/build-dataset.js';
import { createDatasetReader } from '../../dataset/dataset-reader.js';
import { LocalStore } from '../../store/local-store.js';
import { imageFiles, tarFolder, useTempDir, WNIDS, writeTree } from './fixtures.js';

describe('dataset reader', () => {
  const dir = useTempDir();

  for (const gzip of [false, true]) {
    it(`reads back every manifest entry of a data set in ${gzip ? 'tar.gz' : 'tar'} archives`, async () => {
      await writeTree(
        path.join(dir(), 'a'),
        await imageFiles([WNIDS[0], WNIDS[1]], 3, { prefix: 'imagenet-a/' }),
      );
      await writeTree(
        path.join(dir(), 'b'),
        await imageFiles([WNIDS[0], WNIDS[1]], 3, { prefix: 'val/', ext: '.JPEG', seedBase: 10 }),
      );
      const ext = gzip ? '.tar.gz' : '.tar';
      await tarFolder(path.join(dir(), 'a'), path.join(dir(), `a${ext}`), { gzip });
      await tarFolder(path.join(dir(), 'b'), path.join(dir(), `b${ext}`), { gzip });
      const { manifest } = await buildDataset(
        {
          seed: 2,
          data: {
            kind: 'tar',
            adversarialRoot: path.join(dir(), `a${ext}`),
            benignRoot: path.join(dir(), `b${ext}`),
            classes: [WNIDS[0], WNIDS[1]],
          },
          split: { augmentation: { copies: 2 } },
        },
        { store: new LocalStore(path.join(dir(), 'store')) },
      );
      const read = createDatasetReader();
      assert.ok(manifest.entries.some((e) => e.uri.startsWith('tar://')));
      for (const entry of manifest.entries) {
        const bytes = await read(entry.uri);
        assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.sha256, entry.uri);
      }
      await assert.rejects(
        read(`tar://${path.join(dir(), `a${ext}`)}#imagenet-a/nope.jpg`),
        /no member/,
      );
    });
  }
});
