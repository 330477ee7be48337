import * as tf from '@tensorflow/tfjs';
import type { DropoutSeeds } from '../advd/seeded-dropout.js';
import type { FeatureMap } from '../gan/gan-trainer.js';
import { Rng, type RngState } from '../rng.js';
import { Adam } from '../training/adam.js';
import { crossEntropy, endsInSoftmax, mse } from '../training/losses.js';
import { initializeDenseLayers } from '../training/seeded-init.js';
import { useFastWasmTransposedMatMul } from '../training/wasm-matmul.js';
import { yieldToEventLoop } from '../training/yield.js';
import {
  ModuleTrainingOptionsSchema,
  type ModuleTrainingOptions,
  type ModuleTrainingOptionsInput,
} from './defense-options.js';

/** Features with the head output index each should be classified as. */
export interface LabelledFeatures {
  features: tf.Tensor2D;
  /** Indices into the head's output (label offset included). */
  labels: Int32Array;
}

/** Benign training features first, then adversarial ones (the follow-up work's two phases). */
export interface ModuleTrainingData {
  benign: LabelledFeatures;
  adversarial: LabelledFeatures;
}

/** Mean losses of one epoch, and the training accuracy through the head at its end. */
export interface EpochRecord {
  phase: 'benign' | 'adversarial';
  loss: number;
  mse: number;
  crossEntropy: number;
}

export interface ModuleTrainingState {
  epoch: number;
  rng: RngState;
  history: EpochRecord[];
  /** `module/<weight>` and `opt/<i>`. */
  tensors: Record<string, tf.Tensor>;
}

/**
 * Trains a module inserted before a frozen classification head, supervised through it (the
 * follow-up work's modular defense): loss = MSE(module(f), f) + cross-entropy(head(module(f)),
 * label), Adam, shuffled mini-batches, first on benign training features, then on adversarial
 * ones. Only the module's variables are updated. Batches and dropout masks come from one seeded
 * RNG whose state travels with the checkpoint, so a resumed training ends where an uninterrupted
 * one does.
 */
export class ModuleTrainer {
  readonly options: ModuleTrainingOptions;
  readonly dim: number;
  private epochCount = 0;
  private readonly history: EpochRecord[] = [];
  private readonly optimizer: Adam;
  private readonly probabilities: boolean;

  private readonly module: tf.Sequential;
  private rng: Rng;

  /**
   * `build` makes the module, its dropout drawing mask seeds from the trainer's stream; its Dense
   * layers are then initialised from that stream, unless `initialize` is false (fine-tuning a
   * module that arrives trained). The trainer owns the module; the head stays the caller's.
   */
  constructor(
    build: (seeds: DropoutSeeds) => tf.Sequential,
    private readonly head: tf.LayersModel,
    private readonly data: ModuleTrainingData,
    options: ModuleTrainingOptionsInput,
    seed: number,
    { initialize = true }: { initialize?: boolean } = {},
  ) {
    this.options = ModuleTrainingOptionsSchema.parse(options);
    this.rng = Rng.fromSeed(seed);
    this.module = build(() => this.rng.nextSeed());
    if (initialize) initializeDenseLayers(this.module, this.rng);
    this.dim = data.benign.features.shape[1];
    for (const part of [data.benign, data.adversarial]) {
      if (part.features.shape[0] !== part.labels.length)
        throw new Error(`${part.features.shape[0]} feature rows but ${part.labels.length} labels`);
      if (part.features.shape[1] !== this.dim)
        throw new Error(`features of width ${part.features.shape[1]}, expected ${this.dim}`);
    }
    useFastWasmTransposedMatMul();
    this.probabilities = endsInSoftmax(head);
    this.optimizer = new Adam({
      learningRate: this.options.lr,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
  }

  get epoch(): number {
    return this.epochCount;
  }

  get totalEpochs(): number {
    return this.options.benignEpochs + this.options.adversarialEpochs;
  }

  get losses(): readonly EpochRecord[] {
    return this.history;
  }

  /** The module in inference mode (BatchNorm moving statistics); the caller owns the result. */
  get map(): FeatureMap {
    return (features) => tf.tidy(() => this.module.predict(features) as tf.Tensor2D);
  }

  /** One epoch over the current phase's features, in a fresh seeded order. */
  async trainEpoch(): Promise<EpochRecord> {
    const phase = this.epochCount < this.options.benignEpochs ? 'benign' : 'adversarial';
    const { features, labels } = this.data[phase];
    const n = features.shape[0];
    const order = this.rng.permutation(n);
    const vars = this.module.trainableWeights.map((w) => w.read() as tf.Variable);
    const sums = { loss: 0, mse: 0, crossEntropy: 0 };
    for (let start = 0; start < n; start += this.options.batchSize) {
      const rows = order.subarray(start, Math.min(n, start + this.options.batchSize));
      const parts: tf.Scalar[] = [];
      tf.tidy(() => {
        const x = tf.gather(features, tf.tensor1d(rows, 'int32'));
        const y = tf.tensor1d(
          Int32Array.from(rows, (r) => labels[r]!),
          'int32',
        );
        const { grads } = tf.variableGrads(() => {
          const out = this.module.apply(x, { training: true }) as tf.Tensor2D;
          const fit = tf.keep(mse(out, x));
          const ce = tf.keep(
            crossEntropy(this.head.apply(out) as tf.Tensor2D, y, this.probabilities),
          );
          const loss = tf.keep(
            tf.add(
              tf.mul(fit, this.options.mseWeight),
              tf.mul(ce, this.options.crossEntropyWeight),
            ) as tf.Scalar,
          );
          parts.push(loss, fit, ce);
          return loss;
        }, vars);
        // Adam pairs moments with gradients by position: keep the variable order.
        this.optimizer.applyGradients(
          vars,
          vars.map((v) => grads[v.name]!),
        );
      });
      const [loss, fit, ce] = parts.map((p) => p.dataSync()[0]!);
      tf.dispose(parts);
      sums.loss += loss! * rows.length;
      sums.mse += fit! * rows.length;
      sums.crossEntropy += ce! * rows.length;
      await yieldToEventLoop();
    }
    const record: EpochRecord = {
      phase,
      loss: sums.loss / n,
      mse: sums.mse / n,
      crossEntropy: sums.crossEntropy / n,
    };
    this.history.push(record);
    this.epochCount++;
    return record;
  }

  /** Trains to the end (or to epoch `to`), calling `onEpoch` after each. */
  async run(
    onEpoch?: (epoch: number, record: EpochRecord) => void | Promise<void>,
    to = this.totalEpochs,
  ): Promise<void> {
    while (this.epochCount < to) {
      const record = await this.trainEpoch();
      await onEpoch?.(this.epochCount, record);
    }
  }

  /** Top-1 accuracy through the head of the module's inference-mode output. */
  accuracy(part: LabelledFeatures): number {
    if (part.labels.length === 0) return 0;
    const predicted = Array.from(
      tf.tidy(() =>
        (this.head.predict(this.map(part.features)) as tf.Tensor2D).argMax(1).dataSync(),
      ),
    );
    return predicted.filter((p, i) => p === part.labels[i]).length / predicted.length;
  }

  /** The module's weights by name (`module/<weight>`), copies the caller disposes. */
  moduleTensors(): Record<string, tf.Tensor> {
    return Object.fromEntries(
      this.module.weights.map((w) => [`module/${w.originalName}`, w.read().clone()]),
    );
  }

  async exportState(): Promise<ModuleTrainingState> {
    const tensors = this.moduleTensors();
    this.optimizer.snapshot().forEach((t, i) => (tensors[`opt/${i}`] = t));
    return {
      epoch: this.epochCount,
      rng: this.rng.state(),
      history: structuredClone(this.history),
      tensors,
    };
  }

  async importState(state: ModuleTrainingState): Promise<void> {
    setModuleWeights(this.module, state.tensors);
    const moments: tf.Tensor[] = [];
    for (let i = 0; state.tensors[`opt/${i}`]; i++) moments.push(state.tensors[`opt/${i}`]!);
    this.optimizer.restore(moments);
    if (state.history.length !== state.epoch)
      throw new Error(`history has ${state.history.length} epochs, not ${state.epoch}`);
    this.rng = Rng.fromState(state.rng);
    this.epochCount = state.epoch;
    this.history.splice(0, this.history.length, ...state.history);
  }

  dispose(): void {
    this.module.dispose();
    this.optimizer.dispose();
  }
}

/** Loads `module/<weight>` tensors into a module of the same architecture. */
export function setModuleWeights(module: tf.LayersModel, tensors: Record<string, tf.Tensor>): void {
  module.setWeights(
    module.weights.map((w) => {
      const t = tensors[`module/${w.originalName}`];
      if (!t) throw new Error(`module state lacks module/${w.originalName}`);
      return t;
    }),
  );
}
