import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { trainAdvd } from '../../../ml/advd/train-advd.js';
import type { BackendName } from '../../../ml/backend.js';
import { GanTrainer, type GanTrainerSettings } from '../../../ml/gan/gan-trainer.js';
import { buildGradCamModel, gradCam } from '../../../ml/gradcam/gradcam.js';
import { buildInceptionV3 } from '../../../ml/models/inception-v3.js';
import { buildSmallCnn, SMALL_CNN_LAST_CONV } from '../../../ml/models/small-cnn.js';
import { compileSplitForward } from '../../../ml/models/split-forward.js';
import { splitModel } from '../../../ml/models/split-model.js';
import { Rng } from '../../../ml/rng.js';
import { syntheticPairs } from '../gan/synthetic-features.js';
import { useBackend } from './use-backend.js';

/**
 * The project's own models and steps on the native backend against a reference backend (wasm for
 * inference, cpu where wasm lacks the gradient kernels). Float32 sums in another order differ in
 * the last bits, so each comparison allows a relative error, stated per case, of the largest
 * magnitude compared: max |native − reference| ≤ tolerance · max |reference|.
 */
function assertClose(
  native: ArrayLike<number>,
  reference: ArrayLike<number>,
  tolerance: number,
  what: string,
) {
  assert.equal(native.length, reference.length, `${what}: lengths`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < reference.length; i++) {
    scale = Math.max(scale, Math.abs(reference[i]!));
    worst = Math.max(worst, Math.abs(native[i]! - reference[i]!));
  }
  assert.ok(scale > 0, `${what}: the reference is all zeros`);
  assert.ok(
    worst <= tolerance * scale,
    `${what}: max difference ${worst.toExponential(2)} > ${tolerance} × ${scale.toExponential(2)}`,
  );
}

function concat(arrays: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a as Float32Array, at);
    at += a.length;
  }
  return out;
}

describe('native backend conformance (same models and steps, native vs wasm/cpu)', function () {
  this.timeout(600_000);

  before(async function () {
    await useBackend(this, 'tensorflow');
  });

  it('InceptionV3 avg_pool features, one graph on native, agree with wasm within 1e-3 (random weights, 2 images)', async function () {
    const model = buildInceptionV3();
    const weights = model.getWeights().map((w) => ({ shape: w.shape, data: w.dataSync().slice() }));
    const images = Rng.fromSeed(4);
    const pixels = Float32Array.from({ length: 2 * 299 * 299 * 3 }, () => images.uniform() * 2 - 1);
    // As the features stage runs it: one TensorFlow graph on native, op by op on wasm.
    const features = (m: tf.LayersModel, mode: RegExp) => {
      const forward = compileSplitForward(splitModel(m, 'avg_pool'));
      assert.match(forward.mode, mode);
      const out = tf.tidy(() => forward.run(tf.tensor4d(pixels, [2, 299, 299, 3]))[0].dataSync());
      forward.dispose();
      return out;
    };
    const onNative = features(model, /^one TensorFlow graph$/);
    model.dispose();
    await useBackend(this, 'wasm');
    const reference = buildInceptionV3();
    reference.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
    const onWasm = features(reference, /^op by op/);
    reference.dispose();
    await useBackend(this, 'tensorflow');
    assertClose(onNative, onWasm, 1e-3, 'avg_pool features');
  });

  async function ganRun(
    backend: BackendName,
    context: Mocha.Context,
    settings: GanTrainerSettings = {},
  ): Promise<Float32Array> {
    await useBackend(context, backend);
    const data = syntheticPairs(5, { pairs: 64, dim: 64 });
    const trainer = new GanTrainer(
      data,
      {
        hidden: [64, 128, 128],
        discriminatorHidden: [64, 32],
        batchSize: 32,
        lr: 1e-3,
        iterations: 5,
      },
      11,
      settings,
    );
    await trainer.run();
    const state = await trainer.exportState();
    const names = Object.keys(state.tensors).sort();
    const out = concat(names.map((n) => state.tensors[n]!.dataSync()));
    trainer.dispose();
    tf.dispose([data.benign, data.adversarial]);
    return out;
  }

  it('five GAN training steps, compiled and op by op on native, end with the weights of cpu within 1e-4', async function () {
    const compiled = await ganRun('tensorflow', this);
    const opByOp = await ganRun('tensorflow', this, { compiled: false });
    const onCpu = await ganRun('cpu', this);
    assertClose(compiled, onCpu, 1e-4, 'GAN weights after 5 compiled steps');
    assertClose(opByOp, onCpu, 1e-4, 'GAN weights after 5 op-by-op steps');
  });

  async function advdScores(backend: BackendName, context: Mocha.Context): Promise<Float32Array> {
    await useBackend(context, backend);
    const rng = Rng.fromSeed(2);
    const n = 128;
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const x = tf.tensor2d(
      Float32Array.from(
        { length: n * 16 },
        (_, k) => rng.normal(0, 1) + (labels[Math.floor(k / 16)]! ? 1 : 0),
      ),
      [n, 16],
    );
    const result = await trainAdvd(
      x,
      labels,
      { hidden: [16, 8], dropout: [0.5, 0.25], epochs: 3, batchSize: 32 },
      5,
    );
    const scores = await result.detector.predict(x);
    result.detector.dispose();
    x.dispose();
    return scores;
  }

  it('AdvD trained 3 epochs scores like on cpu within 1e-4', async function () {
    const onNative = await advdScores('tensorflow', this);
    const onCpu = await advdScores('cpu', this);
    assertClose(onNative, onCpu, 1e-4, 'AdvD scores');
  });

  async function smallCnnGradCam(backend: BackendName, context: Mocha.Context) {
    await useBackend(context, backend);
    const model = buildSmallCnn({ numClasses: 5, seed: 9, inputSize: 64 });
    const images = tf.randomUniform([2, 64, 64, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const maps = gradCam(buildGradCamModel(model, SMALL_CNN_LAST_CONV, 'avg_pool'), images);
    images.dispose();
    model.dispose();
    return maps;
  }

  it('Grad-CAM of the small CNN (gradients through convolutions) matches cpu within 1e-4', async function () {
    const onNative = await smallCnnGradCam('tensorflow', this);
    const onCpu = await smallCnnGradCam('cpu', this);
    assert.deepEqual(
      onNative.map((m) => m.classIndex),
      onCpu.map((m) => m.classIndex),
    );
    onNative.forEach((m, i) => assertClose(m.heatmap, onCpu[i]!.heatmap, 1e-4, `heatmap ${i}`));
  });
});
