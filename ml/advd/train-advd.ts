import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng.js';
import { initializeDenseLayers } from '../training/seeded-init.js';
import { useFastWasmTransposedMatMul } from '../training/wasm-matmul.js';
import { yieldToEventLoop } from '../training/yield.js';
import { AdvDetector } from './adv-detector.js';
import { buildAdvdModel } from './advd-model.js';
import { AdvdOptionsSchema, type AdvdOptionsInput } from './advd-options.js';
import { Standardizer } from './standardizer.js';

export interface AdvdEpoch {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
}

export interface AdvdTrainingResult {
  detector: AdvDetector;
  history: AdvdEpoch[];
  /** The last epoch run (1-based); less than `epochs` when early stopping fired. */
  stoppedEpoch: number;
  earlyStopped: boolean;
  /** The epoch whose weights the detector holds: the one with the lowest validation loss. */
  bestEpoch: number;
  /** Rows of `x` held out for validation (the seeded 20%), for audits and re-evaluation. */
  validationIndices: Int32Array;
}

/**
 * Trains AdvD (SPEC §2.4) on inputs `x` [N, 2d] with labels 0 = benign, 1 = adversarial.
 * The seed fixes the initial weights, the validation split, the batch order and every dropout
 * mask, so a re-run (or a run restarted after a crash) repeats bit for bit on a deterministic
 * backend (cpu, wasm). Standardisation statistics come from the training part only.
 */
export async function trainAdvd(
  x: tf.Tensor2D,
  labels: ArrayLike<number>,
  options: AdvdOptionsInput,
  seed: number,
): Promise<AdvdTrainingResult> {
  const o = AdvdOptionsSchema.parse(options);
  const [n, dim] = x.shape;
  if (labels.length !== n) throw new Error(`AdvD: ${n} inputs but ${labels.length} labels`);
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new Error(`AdvD: label ${i} is ${labels[i]}, not 0 or 1`);
  }
  useFastWasmTransposedMatMul();
  const rng = Rng.fromSeed(seed);
  const order = rng.permutation(n);
  // Keras's rule for the split sizes: the training part is floor(N · (1 − split)).
  const valCount = n - Math.floor(n * (1 - o.validationSplit));
  if (valCount < 1 || valCount >= n) {
    throw new Error(
      `AdvD: ${n} examples cannot be split ${1 - o.validationSplit}/${o.validationSplit}`,
    );
  }
  const y = tf.tensor2d(Float32Array.from(labels), [n, 1]);
  const take = (t: tf.Tensor2D, idx: Int32Array) => tf.gather(t, tf.tensor1d(idx, 'int32'));
  const [valIdx, trainIdx] = [order.slice(0, valCount), order.slice(valCount)];
  const xTrainRaw = tf.tidy(() => take(x, trainIdx));
  const standardizer = Standardizer.fit(xTrainRaw);
  const xTrain = standardizer.apply(xTrainRaw);
  xTrainRaw.dispose();
  const xVal = tf.tidy(() => standardizer.apply(take(x, valIdx)));
  const yTrain = tf.tidy(() => take(y, trainIdx));
  const yVal = tf.tidy(() => take(y, valIdx));
  y.dispose();

  // Its own stream: one seed per dropout layer per step, in layer order.
  const dropoutRng = Rng.fromSeed(rng.nextSeed());
  const model = buildAdvdModel(dim, o, () => dropoutRng.nextSeed());
  initializeDenseLayers(model, rng);
  model.compile({
    optimizer: tf.train.momentum(o.lr, o.momentum, o.nesterov),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });

  const history: AdvdEpoch[] = [];
  let best: { valLoss: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let stoppedEpoch = 0;
  let earlyStopped = false;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      stoppedEpoch = epoch;
      const perm = rng.permutation(trainIdx.length);
      let lossSum = 0;
      let accSum = 0;
      for (let start = 0; start < perm.length; start += o.batchSize) {
        const idx = perm.subarray(start, start + o.batchSize);
        const [xb, yb] = tf.tidy(() => [take(xTrain, idx), take(yTrain, idx)]);
        const [loss, acc] = (await model.trainOnBatch(xb!, yb!)) as number[];
        tf.dispose([xb!, yb!]);
        lossSum += loss! * idx.length;
        accSum += acc! * idx.length;
        await yieldToEventLoop();
      }
      const evaluated = model.evaluate(xVal, yVal, { batchSize: o.batchSize }) as tf.Scalar[];
      const [valLoss, valAccuracy] = evaluated.map((t) => t.dataSync()[0]!);
      tf.dispose(evaluated);
      history.push({
        epoch,
        loss: lossSum / perm.length,
        accuracy: accSum / perm.length,
        valLoss: valLoss!,
        valAccuracy: valAccuracy!,
      });
      if (best === undefined || valLoss! < best.valLoss) {
        if (best) tf.dispose(best.weights);
        best = { valLoss: valLoss!, epoch, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch - best.epoch >= o.patience) {
        earlyStopped = true;
        break;
      }
    }
    model.setWeights(best!.weights);
  } catch (error) {
    model.dispose();
    standardizer.dispose();
    throw error;
  } finally {
    tf.dispose([xTrain, xVal, yTrain, yVal, ...(best?.weights ?? [])]);
  }
  return {
    detector: new AdvDetector(model, standardizer),
    history,
    stoppedEpoch,
    earlyStopped,
    bestEpoch: best!.epoch,
    validationIndices: valIdx,
  };
}
