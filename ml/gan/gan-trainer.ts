import * as tf from '@tensorflow/tfjs';
import { Rng, type RngState } from '../rng.js';
import { Adam } from '../training/adam.js';
import { bceToConstant, mse } from '../training/losses.js';
import { initializeDenseLayers } from '../training/seeded-init.js';
import { useFastWasmTransposedMatMul } from '../training/wasm-matmul.js';
import { yieldToEventLoop } from '../training/yield.js';
import { CompiledGanStep } from './compiled-gan-step.js';
import { buildDiscriminator } from './discriminator.js';
import { GanOptionsSchema, type GanOptions, type GanOptionsInput } from './gan-options.js';
import { buildGenerator } from './generator.js';
import {
  appendLosses,
  emptyLossHistory,
  LOSS_COLUMNS,
  type IterationLosses,
  type LossHistory,
} from './loss-history.js';

/** Paired training features: row i of `benign` and row i of `adversarial` show one class. */
export interface PairedFeatures {
  benign: tf.Tensor2D;
  adversarial: tf.Tensor2D;
}

export type GeneratorRole = 'pg' | 'ng';
export type FeatureMap = (features: tf.Tensor2D) => tf.Tensor2D;

/** Everything a resumed training needs; tensors are named `role/layer/weight` or `opt/d|g/i`. */
export interface GanTrainingState {
  iteration: number;
  rng: RngState;
  history: LossHistory;
  tensors: Record<string, tf.Tensor>;
}

export interface GanRunOptions {
  /** Stop after this iteration (default: `options.iterations`). */
  to?: number;
  onIteration?: (iteration: number, losses: IterationLosses) => void | Promise<void>;
  /** Call `onCheckpoint` after every iteration that is a multiple of this. */
  checkpointEvery?: number;
  onCheckpoint?: (iteration: number) => void | Promise<void>;
}

export interface GanTrainerSettings {
  /**
   * Run each iteration as one TensorFlow graph where the backend runs graphs (tfjs-node), the
   * default; false runs it op by op, as on every other backend.
   */
  compiled?: boolean;
}

interface Gan {
  role: GeneratorRole;
  generator: tf.Sequential;
  discriminator: tf.Sequential;
  /** Picks this GAN's target rows: the benign (PG) or adversarial (NG) partner. */
  targets: tf.Tensor2D;
}

/** Gradients in variable-list order: Adam pairs moments with gradients by position. */
function inOrder(vars: tf.Variable[], grads: tf.NamedTensorMap): tf.Tensor[] {
  return vars.map((v) => grads[v.name]!);
}

/**
 * Trains PG and NG of the SFE coupled GAN (SPEC §2.3). Each iteration draws one batch of inputs
 * (benign and adversarial features alike) from the seeded RNG, then takes one discriminator step
 * and one generator step over explicit variable lists, so D is frozen in the G step and the
 * run is a pure function of the seed: with a deterministic backend a checkpointed and resumed
 * training ends bit for bit where an uninterrupted one does.
 */
export class GanTrainer {
  readonly options: GanOptions;
  readonly dim: number;
  private iterationCount = 0;
  private rng: Rng;
  private readonly history: LossHistory = emptyLossHistory();
  private readonly gans: [Gan, Gan];
  /** The distinct discriminators: one (shared) or two (separate). */
  private readonly discriminators: { name: string; model: tf.Sequential }[];
  private readonly dOptimizer: Adam;
  private readonly gOptimizer: Adam;
  /** Row j < N is benign pair j, row N + j adversarial pair j. */
  private readonly inputs: tf.Tensor2D;
  private readonly pairCount: number;
  private readonly compiled: CompiledGanStep | undefined;
  private compileError: string | undefined;
  /** Whether the compiled step's session holds the latest weights and moments. */
  private graphCurrent = false;
  /** Whether the tfjs models and optimizers do (false while the session trains ahead). */
  private tfjsCurrent = true;

  constructor(
    data: PairedFeatures,
    options: GanOptionsInput,
    seed: number,
    settings: GanTrainerSettings = {},
  ) {
    this.options = GanOptionsSchema.parse(options);
    const [n, d] = data.benign.shape;
    if (data.adversarial.shape[0] !== n || data.adversarial.shape[1] !== d) {
      throw new Error(
        `benign ${data.benign.shape} and adversarial ${data.adversarial.shape} features must pair up`,
      );
    }
    if (n === 0) throw new Error('GAN training needs at least one feature pair');
    useFastWasmTransposedMatMul();
    this.dim = d;
    this.pairCount = n;
    this.rng = Rng.fromSeed(seed);
    const o = this.options;
    const dShared = o.discriminator === 'shared' ? buildDiscriminator(d, o) : undefined;
    const makeGan = (role: GeneratorRole, targets: tf.Tensor2D): Gan => ({
      role,
      generator: buildGenerator(d, o),
      discriminator: dShared ?? buildDiscriminator(d, o),
      targets,
    });
    this.gans = [makeGan('pg', data.benign), makeGan('ng', data.adversarial)];
    this.discriminators = dShared
      ? [{ name: 'd', model: dShared }]
      : this.gans.map((g) => ({ name: `d_${g.role}`, model: g.discriminator }));
    for (const { model } of this.allModels()) initializeDenseLayers(model, this.rng);
    const adam = { learningRate: o.lr, beta1: o.beta1, beta2: o.beta2, epsilon: 1e-7 };
    this.dOptimizer = new Adam(adam);
    this.gOptimizer = new Adam(adam);
    this.inputs = tf.concat2d([data.benign, data.adversarial], 0);
    const [pg, ng] = this.gans;
    const models = {
      generators: [pg.generator, ng.generator] as [tf.Sequential, tf.Sequential],
      discriminators: [pg.discriminator, ng.discriminator] as [tf.Sequential, tf.Sequential],
    };
    try {
      this.compiled =
        settings.compiled === false
          ? undefined
          : CompiledGanStep.create(models, o, this.dOptimizer, d);
    } catch (err) {
      // Slower but sound: the op-by-op step; `mode` says why.
      this.compileError = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    }
  }

  /** How iterations run, for logs: one TensorFlow graph or op by op. */
  get mode(): string {
    if (this.compiled) return 'one TensorFlow graph per iteration';
    return this.compileError ? `op by op (the graph failed: ${this.compileError})` : 'op by op';
  }

  get iteration(): number {
    return this.iterationCount;
  }

  /** The losses recorded so far (live view; copy it to keep a snapshot). */
  get losses(): Readonly<LossHistory> {
    return this.history;
  }

  /** One iteration: a D step, then a G step with D frozen. */
  step(): IterationLosses {
    const o = this.options;
    const rows = this.rng.sampleIndices(2 * this.pairCount, o.batchSize);
    const pairs = rows.map((r) => r % this.pairCount);
    const losses = this.compiled
      ? this.compiledStep(this.compiled, rows, pairs)
      : this.opByOpStep(rows, pairs);
    this.iterationCount++;
    appendLosses(this.history, losses);
    return losses;
  }

  private compiledStep(
    compiled: CompiledGanStep,
    rows: Int32Array,
    pairs: Int32Array,
  ): IterationLosses {
    if (!this.graphCurrent) {
      compiled.load(this.dOptimizer, this.gOptimizer);
      this.graphCurrent = true;
    }
    this.tfjsCurrent = false;
    return tf.tidy(() => {
      const x = tf.gather(this.inputs, tf.tensor1d(rows, 'int32'));
      const pairIdx = tf.tensor1d(pairs, 'int32');
      const [pg, ng] = this.gans.map((g) => tf.gather(g.targets, pairIdx));
      return compiled.step(x, [pg!, ng!], this.dOptimizer, this.gOptimizer);
    });
  }

  private opByOpStep(rows: Int32Array, pairs: Int32Array): IterationLosses {
    const o = this.options;
    const recorded: Partial<Record<string, tf.Scalar>> = {};
    tf.tidy(() => {
      const x = tf.gather(this.inputs, tf.tensor1d(rows, 'int32'));
      const pairIdx = tf.tensor1d(pairs, 'int32');
      const targets = this.gans.map((g) => tf.gather(g.targets, pairIdx));

      // D step. The fakes come from inference-mode generators (as Keras `predict` gives them
      // in the reference code) and sit outside the tape.
      const fakes = this.gans.map((g) => g.generator.apply(x, { training: false }) as tf.Tensor2D);
      const dLoss = (i: number) => {
        // D has no batch statistics, so real and fake rows can share one pass (fewer ops).
        const scores = this.gans[i]!.discriminator.apply(
          tf.concat2d([targets[i]!, fakes[i]!], 0),
        ) as tf.Tensor2D;
        const [onReal, onFake] = tf.split(scores, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
        const real = bceToConstant(onReal, 1);
        const fake = bceToConstant(onFake, 0);
        return tf.keep(tf.mul(tf.add(real, fake), 0.5) as tf.Scalar);
      };
      const dVars = this.trainableOf(this.discriminators.map((x) => x.model));
      const dGrads = tf.variableGrads(() => {
        const [pg, ng] = [dLoss(0), dLoss(1)];
        recorded.dLossPG = pg;
        recorded.dLossNG = ng;
        // A shared D learns from both GANs at once; separate Ds see only their own loss, as
        // their variables are disjoint, so one sum serves both layouts.
        const total = tf.add(pg, ng);
        return (o.discriminator === 'shared' ? tf.mul(total, 0.5) : total) as tf.Scalar;
      }, dVars);
      this.dOptimizer.applyGradients(dVars, inOrder(dVars, dGrads.grads));

      // G step: gradients flow through D, but only generator variables are updated.
      const gVars = this.trainableOf(this.gans.map((g) => g.generator));
      const gGrads = tf.variableGrads(() => {
        const parts = this.gans.map((g, i) => {
          const generated = g.generator.apply(x, { training: true }) as tf.Tensor2D;
          const fit = tf.keep(mse(generated, targets[i]!));
          const fool = bceToConstant(g.discriminator.apply(generated) as tf.Tensor, 1);
          const loss = tf.keep(tf.add(tf.mul(fit, o.mseWeight), tf.mul(fool, o.advWeight)));
          return { fit, loss: loss as tf.Scalar };
        });
        recorded.msePG = parts[0]!.fit;
        recorded.mseNG = parts[1]!.fit;
        recorded.gLossPG = parts[0]!.loss;
        recorded.gLossNG = parts[1]!.loss;
        return tf.add(parts[0]!.loss, parts[1]!.loss) as tf.Scalar;
      }, gVars);
      this.gOptimizer.applyGradients(gVars, inOrder(gVars, gGrads.grads));
    });
    const losses = Object.fromEntries(
      LOSS_COLUMNS.map((c) => [c, recorded[c]!.dataSync()[0]!]),
    ) as IterationLosses;
    tf.dispose(Object.values(recorded) as tf.Tensor[]);
    return losses;
  }

  /** Trains up to `to` (default: the configured iterations), yielding to the event loop. */
  async run(run: GanRunOptions = {}): Promise<void> {
    const to = run.to ?? this.options.iterations;
    while (this.iterationCount < to) {
      const losses = this.step();
      await run.onIteration?.(this.iterationCount, losses);
      if (run.checkpointEvery && this.iterationCount % run.checkpointEvery === 0) {
        await run.onCheckpoint?.(this.iterationCount);
      }
      await yieldToEventLoop();
    }
  }

  /**
   * PG or NG in inference mode (BatchNorm moving statistics) as trained so far when called;
   * the caller owns the result.
   */
  generator(role: GeneratorRole): FeatureMap {
    const model = this.gans.find((g) => g.role === role)!.generator;
    return (features) => {
      this.syncTfjs();
      return tf.tidy(() => model.predict(features) as tf.Tensor2D);
    };
  }

  /**
   * The models by checkpoint name: `pg`, `ng`, and `d` or `d_pg` + `d_ng`, holding the weights
   * trained so far. Weights changed through them are what the next iteration trains on.
   */
  models(): { name: string; model: tf.Sequential }[] {
    this.syncTfjs();
    this.graphCurrent = false;
    return this.allModels();
  }

  /** A copy of the full training state (the caller disposes its tensors). */
  async exportState(): Promise<GanTrainingState> {
    this.syncTfjs();
    const tensors: Record<string, tf.Tensor> = {};
    for (const { name, model } of this.allModels()) {
      for (const w of model.weights) tensors[`${name}/${w.originalName}`] = w.read().clone();
    }
    for (const [name, opt] of this.optimizers()) {
      opt.snapshot().forEach((t, i) => (tensors[`opt/${name}/${i}`] = t));
    }
    return {
      iteration: this.iterationCount,
      rng: this.rng.state(),
      history: structuredClone(this.history),
      tensors,
    };
  }

  /** Loads a state exported by a trainer built with the same data shape and options. */
  async importState(state: GanTrainingState): Promise<void> {
    this.tfjsCurrent = true;
    this.graphCurrent = false;
    for (const { name, model } of this.allModels()) {
      const values = model.weights.map((w) => {
        const key = `${name}/${w.originalName}`;
        const t = state.tensors[key];
        if (!t) throw new Error(`training state lacks ${key}`);
        return t;
      });
      model.setWeights(values);
    }
    for (const [name, opt] of this.optimizers()) {
      const parts: tf.Tensor[] = [];
      for (let i = 0; state.tensors[`opt/${name}/${i}`]; i++) {
        parts.push(state.tensors[`opt/${name}/${i}`]!);
      }
      opt.restore(parts);
    }
    this.rng = Rng.fromState(state.rng);
    this.iterationCount = state.iteration;
    for (const c of LOSS_COLUMNS) {
      if (state.history[c].length !== state.iteration) {
        throw new Error(
          `history column ${c} has ${state.history[c].length} entries, not ${state.iteration}`,
        );
      }
      this.history[c] = [...state.history[c]];
    }
  }

  dispose(): void {
    this.compiled?.dispose();
    for (const { model } of this.allModels()) model.dispose();
    this.dOptimizer.dispose();
    this.gOptimizer.dispose();
    this.inputs.dispose();
  }

  private allModels(): { name: string; model: tf.Sequential }[] {
    return [
      ...this.gans.map((g) => ({ name: g.role, model: g.generator })),
      ...this.discriminators,
    ];
  }

  /** Brings the tfjs models and optimizers up to the compiled session's training. */
  private syncTfjs(): void {
    if (this.tfjsCurrent || !this.compiled) return;
    this.compiled.store(this.dOptimizer, this.gOptimizer);
    this.tfjsCurrent = true;
  }

  private optimizers(): [string, Adam][] {
    return [
      ['d', this.dOptimizer],
      ['g', this.gOptimizer],
    ];
  }

  private trainableOf(models: tf.Sequential[]): tf.Variable[] {
    return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  }
}
