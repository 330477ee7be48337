import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { generateDemoWorld, type DemoWorld } from '../../dataset/demo-world.js';
import { selectConvGradientBackend } from '../fixtures/conv-gradient-backend.js';
import { fitLinearProbe, probeAccuracy } from '../../ml/metrics/linear-probe.js';
import { splitModel } from '../../ml/models/split-model.js';
import { trainSmallCnn, type SmallCnnTraining } from '../../ml/models/train-small-cnn.js';
import { useTempDir } from './fixtures.js';

/** Keras preprocessing of the demo's JPEGs: [n, size, size, 3] in [−1, 1]. */
async function loadImages(world: DemoWorld, files: string[]): Promise<tf.Tensor4D> {
  const pixels: number[] = [];
  let size = 0;
  for (const file of files) {
    const { data, info } = await sharp(await readFile(path.join(world.root, file)))
      .raw()
      .toBuffer({ resolveWithObject: true });
    size = info.width;
    for (const v of data) pixels.push(v / 127.5 - 1);
  }
  return tf.tensor4d(pixels, [files.length, size, size, 3]);
}

/**
 * The premise SFE rests on, checked on a small demo world: the target model's head follows the
 * background cue on adversarial images, while its features still hold the object (a linear
 * probe reads it back), with the demo's mechanism (a grey shape path trained first, its features
 * reaching the head at `shapeGain`). Sizes: far below configs/demo.yaml's (about 9 s on the native
 * backend; the pure-JS cpu one is some 200 times slower).
 */
describe('demo world target model (shape in the features, cue in the head)', function () {
  this.timeout(600_000);
  const dir = useTempDir();

  it('head follows the cue on adversarial images while a linear probe reads the shape', async () => {
    await selectConvGradientBackend();
    const classes = 3;
    const world = await generateDemoWorld(path.join(dir(), 'w'), {
      seed: 11,
      classes,
      imagesPerClass: 60,
      imageSize: 32,
      cueAgreement: 0.9,
    });
    const index = new Map(world.classes.map((c, i) => [c.wnid, i]));
    const benign = world.images.filter((i) => i.role === 'benign');
    const adversarial = world.images.filter((i) => i.role === 'adversarial');
    const training: SmallCnnTraining = {
      filters: [16, 32, 64],
      epochs: 6,
      batchSize: 16,
      lr: 0.003,
      seed: 11,
      colourPath: { filters: 8, shapeEpochs: 40, shapeGain: 0.03 },
    };
    const images = await loadImages(
      world,
      benign.map((i) => i.file),
    );
    const { model } = await trainSmallCnn(
      images,
      Int32Array.from(benign, (i) => index.get(i.wnid)!),
      classes,
      training,
    );
    images.dispose();
    const { backbone, head } = splitModel(model, 'avg_pool');
    const adv = await loadImages(
      world,
      adversarial.map((i) => i.file),
    );
    const features = backbone.predict(adv) as tf.Tensor2D;
    const predicted = Array.from((head.predict(features) as tf.Tensor2D).argMax(1).dataSync());
    const shape = adversarial.map((i) => index.get(i.wnid)!);
    const cue = adversarial.map((i) => index.get(i.cueWnid)!);
    const rate = (xs: number[], ys: number[]) =>
      xs.filter((x, k) => x === ys[k]).length / xs.length;
    const headFollowsCue = rate(predicted, cue);
    const headReadsShape = rate(predicted, shape);

    // The probe learns from half the adversarial images (even ones) and is scored on the rest.
    const data = features.dataSync();
    const dim = features.shape[1];
    const half = (keep: number) => {
      const rows = shape.flatMap((_, k) => (k % 2 === keep ? [k] : []));
      const x = new Float32Array(rows.length * dim);
      rows.forEach((r, j) => x.set(data.subarray(r * dim, (r + 1) * dim), j * dim));
      return { x: { data: x, rows: rows.length, dim }, labels: rows.map((r) => shape[r]!) };
    };
    const [fit, held] = [half(0), half(1)];
    const probe = probeAccuracy(fitLinearProbe(fit.x, fit.labels, classes), held.x, held.labels);
    tf.dispose([adv, features]);
    model.dispose();

    const report = `head = cue ${headFollowsCue}, head = shape ${headReadsShape}, probe = shape ${probe.accuracy}`;
    console.log(`      ${report}`);
    assert.ok(headFollowsCue > 0.75, `the head should follow the cue: ${report}`);
    assert.ok(headReadsShape < 0.2, `the head should mostly miss the shape: ${report}`);
    // Chance is 1/3. Measured on this instance (native backend): head = cue 0.91, head = shape
    // 0.07, probe = shape 0.84: the features hold the shape, which the head barely hears.
    assert.ok(probe.accuracy > 0.7, `the features should hold the shape: ${report}`);
    assert.ok(probe.accuracy > headReadsShape + 0.5, report);
  });
});
