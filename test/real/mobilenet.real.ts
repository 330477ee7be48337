import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { selectBackend } from '../../ml/backend.js';
import {
  ImagePipelineOptionsSchema,
  type ImagePipelineInput,
} from '../../ml/images/image-options.js';
import { loadImageBatch, type ImageSource } from '../../ml/images/load-image-batch.js';
import { createSourceReader } from '../../ml/images/read-source.js';
import { top1Accuracy } from '../../ml/metrics/accuracy.js';
import { imagenetAClassIndices, loadImagenetClasses } from '../../ml/metrics/imagenet-classes.js';
import { predictHubClassifier } from '../../ml/models/hub-classes.js';
import { loadGraphModelFromUri, loadLayersModelFromUri } from '../../ml/models/load-model.js';
import { splitModel } from '../../ml/models/split-model.js';
import { sharedRealDir } from './shared-real.js';

interface LabelledImage extends ImageSource {
  label: number;
}

/** Share of rows whose label is among the k best-scoring of `candidates`. */
function topKAccuracy(
  scores: Float32Array,
  classes: number,
  labels: number[],
  k: number,
  candidates: number[],
) {
  let correct = 0;
  labels.forEach((label, i) => {
    const row = scores.subarray(i * classes, (i + 1) * classes);
    const best = [...candidates].sort((a, b) => row[b]! - row[a]!).slice(0, k);
    if (best.includes(label)) correct++;
  });
  return correct / labels.length;
}

async function scoreAll(
  images: LabelledImage[],
  pipeline: ImagePipelineInput,
  predict: (x: tf.Tensor4D) => tf.Tensor2D,
): Promise<{ scores: Float32Array; labels: number[]; classes: number }> {
  const options = ImagePipelineOptionsSchema.parse(pipeline);
  const read = createSourceReader();
  const chunks: Float32Array[] = [];
  const labels: number[] = [];
  let classes = 0;
  for (let start = 0; start < images.length; start += 25) {
    const sources = images.slice(start, start + 25);
    const batch = await loadImageBatch(sources, options, read);
    assert.deepEqual(batch.failures, [], 'every real photo decodes');
    const out = tf.tidy(() => predict(batch.images!));
    batch.images!.dispose();
    classes = out.shape[1];
    chunks.push(out.dataSync() as Float32Array);
    out.dispose();
    labels.push(...batch.positions.map((p) => sources[p]!.label));
  }
  const scores = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((offset, c) => (scores.set(c, offset), offset + c.length), 0);
  return { scores, labels, classes };
}

describe('real MobileNet v1 weights through our loader and image pipeline', function () {
  let real: string;
  let images: LabelledImage[];
  let subset200: number[];
  const all1000 = Array.from({ length: 1000 }, (_, c) => c);

  before(async function () {
    real = sharedRealDir();
    await selectBackend();
    const classes = await loadImagenetClasses();
    const indexOf = new Map(classes.map((c) => [c.wnid, c.index]));
    subset200 = await imagenetAClassIndices();
    const root = join(real, 'images', 'imagenet-a-classes');
    images = [];
    for (const wnid of (await readdir(root)).sort()) {
      for (const file of (await readdir(join(root, wnid))).sort()) {
        images.push({
          id: `${wnid}/${file}`,
          uri: join(root, wnid, file),
          label: indexOf.get(wnid)!,
        });
      }
    }
    assert.equal(images.length, 200);
  });

  function report(
    name: string,
    result: { scores: Float32Array; labels: number[]; classes: number },
  ) {
    const { scores, labels, classes } = result;
    const figures = {
      top1_1000: top1Accuracy(scores, classes, labels).accuracy,
      top5_1000: topKAccuracy(scores, classes, labels, 5, all1000),
      top1_200: top1Accuracy(scores, classes, labels, subset200).accuracy,
      top5_200: topKAccuracy(scores, classes, labels, 5, subset200),
    };
    console.log(
      `      ${name}: top-1 ${(100 * figures.top1_1000).toFixed(1)}%, top-5 ${(100 * figures.top5_1000).toFixed(1)}% (1000-way); ` +
        `top-1 ${(100 * figures.top1_200).toFixed(1)}%, top-5 ${(100 * figures.top5_200).toFixed(1)}% (200 ImageNet-A classes), n=${labels.length}`,
    );
    return figures;
  }

  it('classifies the 200 photos with mobilenet_v1_0.75_224 (layers model) and splits it exactly', async function () {
    const model = await loadLayersModelFromUri(join(real, 'models', 'mobilenet_v1_0.75_224'));
    const { backbone, head, featureShape } = splitModel(model, 'global_average_pooling2d_1');
    assert.deepEqual(featureShape, [768]);

    const plain = report(
      'mobilenet_v1_0.75_224, plain resize',
      await scoreAll(
        images,
        { size: 224, resize: 'plain', preprocessing: 'keras' },
        (x) => model.predict(x) as tf.Tensor2D,
      ),
    );
    const split = await scoreAll(
      images.slice(0, 25),
      { size: 224, resize: 'plain', preprocessing: 'keras' },
      (x) =>
        tf.tidy(() => {
          const full = model.predict(x) as tf.Tensor2D;
          const composed = head.predict(backbone.predict(x) as tf.Tensor) as tf.Tensor2D;
          const diff = full.sub(composed).abs().max().dataSync()[0]!;
          assert.ok(diff < 1e-5, `head(backbone(x)) differs from the model by ${diff}`);
          return composed;
        }),
    );
    assert.equal(split.labels.length, 25);
    const cropped = report(
      'mobilenet_v1_0.75_224, shorter side + centre crop',
      await scoreAll(
        images,
        { size: 224, resize: 'shorter-side-crop', preprocessing: 'keras' },
        (x) => model.predict(x) as tf.Tensor2D,
      ),
    );
    model.dispose();

    // Chance is 0.5% top-5 over 1000 classes; a working model with working preprocessing is far above.
    for (const figures of [plain, cropped]) {
      assert.ok(figures.top1_1000 > 0.4, `top-1 ${figures.top1_1000}`);
      assert.ok(figures.top5_1000 > 0.6, `top-5 ${figures.top5_1000}`);
      assert.ok(
        figures.top1_200 >= figures.top1_1000,
        'restricting to the true classes cannot hurt',
      );
    }
  });

  it('classifies the 200 photos with mobilenet_v1_0.25_224_graph (TF Hub graph model)', async function () {
    const model = await loadGraphModelFromUri(join(real, 'models', 'mobilenet_v1_0.25_224_graph'));
    const figures = report(
      'mobilenet_v1_0.25_224_graph, plain resize',
      await scoreAll(images, { size: 224, resize: 'plain', preprocessing: 'unit' }, (x) =>
        predictHubClassifier(model, x),
      ),
    );
    model.dispose();
    assert.ok(figures.top1_1000 > 0.25, `top-1 ${figures.top1_1000}`);
    assert.ok(figures.top5_1000 > 0.45, `top-5 ${figures.top5_1000}`);
  });
});
