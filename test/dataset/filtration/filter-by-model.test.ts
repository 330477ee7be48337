import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import path from 'node:path';
import { filterByModel, type Filtration } from '../../../dataset/filtration/filter-by-model.js';
import { drawViewOps, WHOLE_PHOTO } from '../../../dataset/filtration/view-ops.js';
import { loadBenignImageNet } from '../../../dataset/loaders/imagenet-loaders.js';
import { selectImages } from '../../../dataset/select-images.js';
import { FolderSource } from '../../../dataset/sources/folder-source.js';
import { rngFor } from '../../../dataset/stream-seed.js';
import { selectBackend } from '../../../ml/backend.js';
import { ImagePipelineOptionsSchema } from '../../../ml/images/image-options.js';
import { loadImagenetClasses } from '../../../ml/metrics/imagenet-classes.js';
import { loadLayersModelFromUri } from '../../../ml/models/load-model.js';
import { topClasses } from '../../../ml/models/top-classes.js';
import { sha256Hex } from '../../../store/content-address.js';
import {
  BLUE_CLASS,
  dominantColour,
  RED_CLASS,
  twoColourPhoto,
  writeColourClassifier,
} from '../../fixtures/colour-classifier.js';
import { useTempDir, writeTree } from '../fixtures.js';

describe('adversarial filtration', () => {
  const dir = useTempDir();
  let model: tf.LayersModel;
  let wnids: string[];

  before(async () => {
    await selectBackend('cpu', () => {});
    wnids = (await loadImagenetClasses()).map((c) => c.wnid);
  });

  beforeEach(async () => {
    model = await loadLayersModelFromUri(await writeColourClassifier(path.join(dir(), 'model')));
  });

  afterEach(() => model.dispose());

  /** Three photos per class, mostly the class's colour on the left: crops of the right are wrong. */
  async function photoTree(): Promise<string> {
    const root = path.join(dir(), 'photos');
    const files: Record<string, Buffer> = {};
    for (let n = 0; n < 3; n++) {
      files[`${RED_CLASS}/${n}.jpg`] = await twoColourPhoto('red', n);
      files[`${BLUE_CLASS}/${n}.jpg`] = await twoColourPhoto('blue', 100 + n);
    }
    await writeTree(root, files);
    return root;
  }

  async function filter(minPairs: number, written: Map<string, Uint8Array>): Promise<Filtration> {
    const tree = await loadBenignImageNet(new FolderSource(await photoTree()), [
      RED_CLASS,
      BLUE_CLASS,
    ]);
    const selection = await selectImages(tree, 5, () => undefined);
    const pipeline = ImagePipelineOptionsSchema.parse({ size: 32 });
    return filterByModel(
      tree,
      selection,
      { views: 8, seed: 5, minPairs, batchSize: 10 },
      {
        classify: async (images) =>
          (await topClasses(model, images, pipeline, { labelOffset: 0, classes: 1000 })).map(
            (i) => wnids[i]!,
          ),
        write: async (role, wnid, name, bytes) => {
          written.set(`${role}/${wnid}/${name}`, bytes);
        },
      },
    );
  }

  it('draws the whole photo first, then seeded views with at most one flip', () => {
    const ops = drawViewOps(rngFor(1, 'view/x'), 40);
    assert.equal(ops.length, 40);
    assert.deepEqual(ops[0], WHOLE_PHOTO);
    assert.ok(ops.filter((op) => op.kind === 'flip').length <= 1);
    assert.ok(ops.some((op) => op.kind === 'crop' && op.fraction < 0.8));
    assert.deepEqual(drawViewOps(rngFor(1, 'view/x'), 40), ops);
    assert.notDeepEqual(drawViewOps(rngFor(1, 'view/y'), 40), ops);
  });

  it('keeps the views the model gets wrong as adversarial and the rest as benign', async () => {
    const written = new Map<string, Uint8Array>();
    const filtration = await filter(2, written);

    assert.equal(written.size, 2 * 3 * 8, 'every view of every photo is written once');
    let checked = 0;
    for (const [key, bytes] of written) {
      const [role, wnid] = key.split('/') as ['benign' | 'adversarial', string];
      const { colour, margin } = await dominantColour(bytes);
      // Near a 50/50 split, resizing and JPEG can tip the balance either way: judge clear cases.
      if (margin < 20) continue;
      checked++;
      const classColour = wnid === RED_CLASS ? 'red' : 'blue';
      assert.equal(role === 'benign', colour === classColour, `${key}: ${colour} by ${margin}`);
      const lineage = filtration.lineage[sha256Hex(bytes)];
      assert.ok(lineage, `${key} has a lineage`);
      assert.ok(key.endsWith('.jpg') && path.basename(key).startsWith(lineage.of));
    }
    assert.ok(checked > written.size / 2, `${checked} views judged by their pixels`);

    assert.deepEqual(
      filtration.classes.map((c) => [c.wnid, c.photos, c.views]),
      [
        [RED_CLASS, 3, 24],
        [BLUE_CLASS, 3, 24],
      ],
    );
    for (const c of filtration.classes) {
      const adversarial = [...written.keys()].filter((k) => k.startsWith(`adversarial/${c.wnid}/`));
      assert.equal(c.misclassified, adversarial.length);
      assert.ok(c.kept, `${c.wnid}: ${c.misclassified} of ${c.views} wrong`);
      assert.ok(c.misclassified > 0 && c.misclassified < c.views);
      assert.equal(c.mistakenFor[0]!.wnid, c.wnid === RED_CLASS ? BLUE_CLASS : RED_CLASS);
    }
    assert.deepEqual(filtration.problems, []);
  });

  it('leaves out a class without enough pairs, saying why', async () => {
    const filtration = await filter(20, new Map());
    assert.ok(filtration.classes.every((c) => !c.kept));
    assert.equal(filtration.problems.length, 2);
    assert.match(
      filtration.problems[0]!.reason,
      /got \d+ of 24 views of 3 photo\(s\) wrong, fewer than 20/,
    );
  });

  it('gives the same views and verdicts for the same seed', async () => {
    const first = new Map<string, Uint8Array>();
    const second = new Map<string, Uint8Array>();
    const a = await filter(2, first);
    const b = await filter(2, second);
    assert.deepEqual(a, b);
    assert.deepEqual([...first.keys()].sort(), [...second.keys()].sort());
    for (const [key, bytes] of first) assert.deepEqual(second.get(key), bytes);
  });
});
