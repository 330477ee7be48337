import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import type { Filtration } from '../../dataset/filtration/filter-by-model.js';
import { selectBackend } from '../../ml/backend.js';
import { createSourceReader } from '../../ml/images/read-source.js';
import { loadImagenetClasses } from '../../ml/metrics/imagenet-classes.js';
import { loadLayersModelFromUri } from '../../ml/models/load-model.js';
import { topClasses } from '../../ml/models/top-classes.js';
import { imagePipelineOf } from '../../pipeline/model-image-pipeline.js';
import { DATASET_FILTRATION_PART } from '../../pipeline/stages/dataset-stage.js';
import { LocalStore } from '../../store/local-store.js';
import { loadRealConfig, runRealDatasetStage } from './shared-real.js';

/**
 * configs/real-mobilenet.yaml's dataset stage on the real photos: MobileNet v1 0.75 picks the
 * adversarial views of 200 real ImageNet photos, as ImageNet-A was collected.
 */
describe('adversarial filtration of real photos by real MobileNet weights', function () {
  let dir: string;
  let store: LocalStore;
  let config: ExperimentConfig;

  before(async () => {
    await selectBackend();
    dir = await mkdtemp(join(tmpdir(), 'sfe-real-filtration-'));
    store = new LocalStore(dir);
    config = await loadRealConfig('real-mobilenet', 'mobilenet_v1_0.75_224');
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps the views MobileNet gets wrong, and no photo on both sides of the split', async () => {
    const { ref, part, audit, manifest } = await runRealDatasetStage(store, config);
    const filtration = (await part(DATASET_FILTRATION_PART)) as Filtration;

    const views = filtration.classes.reduce((n, c) => n + c.views, 0);
    const wrong = filtration.classes.reduce((n, c) => n + c.misclassified, 0);
    const kept = filtration.classes.filter((c) => c.kept).length;
    console.log(`      ${wrong} of ${views} views misclassified; ${kept} of 200 classes kept`);
    assert.equal(filtration.classes.length, 200);
    assert.equal(views, 200 * 12);
    // A 70%-top-1 model on fair photos and harder views: most right, a real share wrong.
    assert.ok(wrong > 0.05 * views && wrong < 0.6 * views, `${wrong} of ${views}`);
    assert.ok(kept >= 20, `${kept} classes kept`);
    // View 0 is the whole photo: MobileNet names about 82% of these photos right (mobilenet.real.ts).
    const benignRoot = join(dir, ref.key, 'filtered', 'benign');
    let wholeRight = 0;
    for (const wnid of await readdir(benignRoot)) {
      wholeRight += (await readdir(join(benignRoot, wnid))).filter((f) =>
        f.endsWith('-0.jpg'),
      ).length;
    }
    console.log(`      whole photos classified right: ${wholeRight} of 200`);
    assert.ok(wholeRight >= 150 && wholeRight <= 190, `${wholeRight} whole photos right`);

    assert.equal(audit.sharedOriginal.testImages, 0, 'no photo has views in both splits');
    assert.ok(manifest.entries.every((e) => e.augmentation !== null));
    assert.ok(manifest.summary.perRoleSplit['adversarial/test']! > 0);

    // Read back from the store, the adversarial test views are ones the model gets wrong.
    const model = await loadLayersModelFromUri(config.targetModel.uri!);
    const wnids = (await loadImagenetClasses()).map((c) => c.wnid);
    const sample = manifest.entries
      .filter((e) => e.role === 'adversarial' && e.split === 'test')
      .slice(0, 16);
    const read = createSourceReader();
    const bytes = await Promise.all(sample.map((e) => read(e.uri)));
    const top = await topClasses(model, bytes, imagePipelineOf(config.targetModel), {
      labelOffset: 0,
      classes: 1000,
    });
    model.dispose();
    sample.forEach((e, i) => assert.notEqual(wnids[top[i]!], e.wnid, e.uri));
  });
});
