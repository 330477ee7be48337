import * as tf from '@tensorflow/tfjs';
import { GraphSession } from '../graph/graph-session.js';
import type { Adam } from '../training/adam.js';
import type { GanOptions } from './gan-options.js';
import { buildGanStepGraph, type GanGraphModels, type GanStepGraph } from './gan-step-graph.js';
import type { IterationLosses } from './loss-history.js';

function zip(names: readonly string[], values: readonly tf.Tensor[]): [string, tf.Tensor][] {
  return names.map((name, i) => [name, values[i]!]);
}

/**
 * The SFE GAN iteration run as one TensorFlow graph session (gan-step-graph.ts) on tfjs-node:
 * about 700 op-by-op native calls per iteration become one. The session holds its own copy of
 * the weights and Adam moments; `load` and `store` move them from and to the tfjs models and
 * optimizers, bit for bit, so checkpoints and inference see exactly what the graph trained.
 */
export class CompiledGanStep {
  private constructor(
    private readonly built: GanStepGraph,
    private readonly session: GraphSession,
  ) {}

  /** The compiled step, or undefined where the backend runs no graphs (wasm, cpu). */
  static create(
    models: GanGraphModels,
    options: Pick<GanOptions, 'batchSize' | 'mseWeight' | 'advWeight' | 'discriminator'>,
    adam: Adam,
    dim: number,
  ): CompiledGanStep | undefined {
    if (!GraphSession.available()) return undefined;
    const built = buildGanStepGraph(models, options, adam.settings, dim);
    return new CompiledGanStep(built, GraphSession.load(built.graph));
  }

  /** Copies the tfjs weights and both optimizers' moments into the session. */
  load(dOptimizer: Adam, gOptimizer: Adam): void {
    tf.tidy(() => {
      const moments = (opt: Adam, trainable: tf.LayerVariable[]) => {
        const slots = opt.moments();
        // An optimizer that has not stepped yet has no moments: they start at zero.
        return slots.length > 0
          ? slots
          : [...trainable, ...trainable].map((w) => tf.zeros(w.shape as number[]));
      };
      const values = [
        ...this.built.weights.map((w) => w.read()),
        ...moments(dOptimizer, this.built.dTrainable),
        ...moments(gOptimizer, this.built.gTrainable),
      ];
      tf.dispose(this.session.run(zip(this.built.load, values), [this.built.loaded]));
    });
  }

  /** Copies the session's weights and moments back into the tfjs models and optimizers. */
  store(dOptimizer: Adam, gOptimizer: Adam): void {
    const values = this.session.run([], this.built.read);
    const weights = this.built.weights.length;
    const dCount = 2 * this.built.dTrainable.length;
    this.built.weights.forEach((w, i) => w.write(values[i]!));
    dOptimizer.replaceMoments(values.slice(weights, weights + dCount));
    gOptimizer.replaceMoments(values.slice(weights + dCount));
    tf.dispose(values);
  }

  /**
   * One iteration on a batch: `x` and each GAN's targets ([batch, d]); the optimizers count it
   * and give their β powers, as their own update would use.
   */
  step(
    x: tf.Tensor2D,
    targets: [tf.Tensor2D, tf.Tensor2D],
    dOptimizer: Adam,
    gOptimizer: Adam,
  ): IterationLosses {
    return tf.tidy(() => {
      const powers = [dOptimizer.advanceStep(), gOptimizer.advanceStep()].flatMap((p) => [
        tf.scalar(p.beta1Power),
        tf.scalar(p.beta2Power),
      ]);
      const feeds = zip(this.built.stepInputs, [x, ...targets, ...powers]);
      const [losses] = this.session.run(feeds, [this.built.losses]);
      const values = losses!.dataSync();
      return Object.fromEntries(
        this.built.lossOrder.map((c, i) => [c, values[i]!]),
      ) as IterationLosses;
    });
  }

  dispose(): void {
    this.session.dispose();
  }
}
