import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ImagePipelineOptionsSchema } from '../../ml/images/image-options.js';
import { loadImageBatch, type ImageSource } from '../../ml/images/load-image-batch.js';
import { createSourceReader } from '../../ml/images/read-source.js';
import { loadLayersModelFromUri } from '../../ml/models/load-model.js';
import { compileSplitForward } from '../../ml/models/split-forward.js';
import { splitModel } from '../../ml/models/split-model.js';
import { useBackend } from '../ml/native/use-backend.js';
import { sharedRealDir } from './shared-real.js';

const PHOTOS = 24;

/** Backbone features and head classes of the real MobileNet v1 0.75 on `backend`. */
async function featuresOn(
  backend: 'tensorflow' | 'wasm',
  context: Mocha.Context,
  photos: ImageSource[],
) {
  await useBackend(context, backend);
  const real = sharedRealDir();
  const model = await loadLayersModelFromUri(join(real, 'models', 'mobilenet_v1_0.75_224'));
  // As the features stage runs it: one TensorFlow graph on native, op by op on wasm.
  const forward = compileSplitForward(splitModel(model, 'global_average_pooling2d_1'));
  assert.match(forward.mode, backend === 'tensorflow' ? /^one TensorFlow graph$/ : /^op by op/);
  const options = ImagePipelineOptionsSchema.parse({
    size: 224,
    resize: 'shorter-side-crop',
    preprocessing: 'keras',
  });
  const batch = await loadImageBatch(photos, options, createSourceReader());
  assert.deepEqual(batch.failures, []);
  const [features, classes] = tf.tidy(() => {
    const [f, p] = forward.run(batch.images!);
    return [f.dataSync().slice(), p.argMax(1).dataSync().slice()];
  });
  forward.dispose();
  batch.images!.dispose();
  model.dispose();
  return { features: features!, classes: Array.from(classes!) };
}

describe('real MobileNet v1 weights on the native backend (one graph) against wasm (same photos, same loader)', function () {
  it(`features of ${PHOTOS} real photos agree within 1e-3 of their largest value, top-1 classes all alike`, async function () {
    const root = join(sharedRealDir(), 'images', 'imagenet-a-classes');
    const photos: ImageSource[] = [];
    for (const wnid of (await readdir(root)).sort()) {
      const file = (await readdir(join(root, wnid))).sort()[0]!;
      photos.push({ id: `${wnid}/${file}`, uri: join(root, wnid, file) });
      if (photos.length === PHOTOS) break;
    }
    const wasm = await featuresOn('wasm', this, photos);
    const native = await featuresOn('tensorflow', this, photos);
    let scale = 0;
    let worst = 0;
    wasm.features.forEach((w, i) => {
      scale = Math.max(scale, Math.abs(w));
      worst = Math.max(worst, Math.abs(w - native.features[i]!));
    });
    console.log(
      `      max |native − wasm| ${worst.toExponential(2)} of max |wasm| ${scale.toFixed(3)}`,
    );
    assert.ok(scale > 0);
    assert.ok(worst <= 1e-3 * scale, `max difference ${worst} > 1e-3 × ${scale}`);
    assert.deepEqual(native.classes, wasm.classes);
  });
});
