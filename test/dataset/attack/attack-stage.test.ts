import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseConfig } from '../../../config-schema/load-config.js';
import type { PhotoAttack } from '../../../dataset/attack/attack-photos.js';
import type { LeakageAudit } from '../../../dataset/leakage-audit.js';
import { originalImageId } from '../../../dataset/sample-split.js';
import { selectConvGradientBackend } from '../../fixtures/conv-gradient-backend.js';
import { decodeForModel } from '../../../ml/images/decode-image.js';
import { ImagePipelineOptionsSchema } from '../../../ml/images/image-options.js';
import { committedManifest, readJsonPart } from '../../../pipeline/artifact-json.js';
import { CODE_VERSION } from '../../../pipeline/code-version.js';
import type { StageContext } from '../../../pipeline/stage-context.js';
import {
  DATASET_ATTACK_PART,
  DATASET_AUDIT_PART,
  readDatasetManifest,
  runDatasetStage,
} from '../../../pipeline/stages/dataset-stage.js';
import { LocalStore } from '../../../store/local-store.js';
import {
  BLUE_CLASS,
  COLOUR_FEATURE_LAYER,
  RED_CLASS,
  twoColourPhoto,
  writeColourClassifier,
} from '../../fixtures/colour-classifier.js';
import { useTempDir, writeTree } from '../fixtures.js';

const PHOTOS = 4;

describe('dataset stage with data.adversarialFrom: attack', function () {
  this.timeout(120_000);
  const dir = useTempDir();

  before(() => selectConvGradientBackend());

  async function configFor(
    attack: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<unknown> {
    const photos = path.join(dir(), 'photos');
    const files: Record<string, Buffer> = {};
    for (let n = 0; n < PHOTOS; n++) {
      files[`${RED_CLASS}/${n}.jpg`] = await twoColourPhoto('red', n);
      files[`${BLUE_CLASS}/${n}.jpg`] = await twoColourPhoto('blue', 100 + n);
    }
    await writeTree(photos, files);
    return {
      name: 'attack-test',
      data: {
        kind: 'folder',
        benignRoot: photos,
        adversarialFrom: 'attack',
        attack,
        classes: [RED_CLASS, BLUE_CLASS],
        ...extra,
      },
      targetModel: {
        kind: 'layers',
        uri: await writeColourClassifier(path.join(dir(), 'model')),
        inputSize: 32,
        featureLayer: COLOUR_FEATURE_LAYER,
        head: { outputs: 'probabilities' },
      },
    };
  }

  it('stores attacked PNGs within ε of the photos, the model fooled, each beside its photo', async () => {
    const config = parseConfig(
      await configFor({ method: 'fgsm', epsilon: 16 / 255, views: 2 }),
      'test',
    );
    const store = new LocalStore(path.join(dir(), 'store'));
    const units = new Set<string>();
    const ctx: StageContext = {
      store,
      codeVersion: CODE_VERSION,
      progress: (p) => units.add(p.unit),
      signal: new AbortController().signal,
      log: () => undefined,
    };
    const ref = await runDatasetStage(ctx, config, false);
    assert.ok(units.has('views attacked'));
    const artifact = await committedManifest(store, ref.key);
    const attack = (await readJsonPart(store, artifact, DATASET_ATTACK_PART)) as PhotoAttack;
    const audit = (await readJsonPart(store, artifact, DATASET_AUDIT_PART)) as LeakageAudit;
    const manifest = await readDatasetManifest(store, ref);

    // The colour classifier names the whole photos right; 16 levels later most copies wrong.
    const sum = (pick: (c: PhotoAttack['classes'][number]) => number): number =>
      attack.classes.reduce((n, c) => n + pick(c), 0);
    assert.deepEqual(
      attack.classes.map((c) => [c.photos, c.views]),
      [
        [PHOTOS, 2 * PHOTOS],
        [PHOTOS, 2 * PHOTOS],
      ],
    );
    const [clean, attacked] = [sum((c) => c.cleanCorrect), sum((c) => c.attackedCorrect)];
    assert.ok(clean >= 2 * PHOTOS && attacked <= clean / 2, `${clean} → ${attacked} right`);

    const pipeline = ImagePipelineOptionsSchema.parse({ size: 32 });
    for (const wnid of [RED_CLASS, BLUE_CLASS]) {
      const folder = path.join(dir(), 'store', ref.key, 'attacked');
      const copies = await readdir(path.join(folder, 'adversarial', wnid));
      assert.equal(copies.length, 2 * PHOTOS);
      for (const name of copies) {
        assert.match(name, /\.png$/);
        const view = name.slice(0, -'.png'.length);
        const attacked = await decodeForModel(
          await readFile(path.join(folder, 'adversarial', wnid, name)),
          pipeline,
        );
        const photo = await decodeForModel(
          await readFile(path.join(folder, 'benign', wnid, `${view}.jpg`)),
          pipeline,
        );
        const moved = attacked.data.map((v, i) => Math.abs(v - photo.data[i]!));
        assert.ok(Math.max(...moved) <= 16, `${name} moved ${Math.max(...moved)} levels`);
        assert.ok(Math.max(...moved) > 0, `${name} is not perturbed`);
      }
    }

    // The attacked copies themselves, not the training augmentation's copies of them.
    const adversarial = manifest.entries.filter(
      (e) => e.role === 'adversarial' && e.uri.includes('/attacked/adversarial/'),
    );
    assert.ok(adversarial.length > 0);
    const splitOfPhoto = new Map(
      manifest.entries
        .filter((e) => e.role === 'benign' && e.augmentation === null)
        .map((e) => [originalImageId({ ...e, path: e.uri }), e.split]),
    );
    const paired = adversarial.filter((e) => splitOfPhoto.has(e.augmentation!.of));
    assert.ok(paired.length > 0, 'some attacked copy has its photo in the data set');
    for (const e of adversarial) {
      const made = e.augmentation;
      assert.ok(made !== null);
      assert.equal(made.op.kind, 'attack', e.uri);
      // A photo and its attacked copy sit on one side of the leak-free split.
      if (splitOfPhoto.has(made.of)) assert.equal(splitOfPhoto.get(made.of), e.split, e.uri);
    }
    assert.equal(audit.sharedOriginal.testImages, 0);
  });

  it('refuses what filtration refuses, and a PGD step larger than ε, naming the field', async () => {
    const base = (await configFor({ method: 'pgd', epsilon: 4 / 255, stepSize: 8 / 255 })) as {
      data: Record<string, unknown>;
      targetModel: Record<string, unknown>;
    };
    assert.throws(() => parseConfig(base, 'c.yaml'), /data\.attack\.stepSize/);
    const ok = { ...base, data: { ...base.data, attack: { method: 'pgd' } } };
    assert.throws(
      () => parseConfig({ ...ok, data: { ...ok.data, adversarialRoot: '/x' } }, 'c.yaml'),
      /data\.adversarialRoot.*"attack"/s,
    );
    assert.throws(
      () => parseConfig({ ...ok, targetModel: { kind: 'small-cnn' } }, 'c.yaml'),
      /targetModel\.kind.*pretrained model with data\.adversarialFrom "attack"/s,
    );
    assert.throws(
      () => parseConfig({ ...ok, data: { ...ok.data, attack: { epsilon: 2 } } }, 'c.yaml'),
      /data\.attack\.epsilon/,
    );
  });
});
