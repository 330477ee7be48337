import type * as tf from '@tensorflow/tfjs';
import { DT_FLOAT, FLOAT_T as T, type GraphBuilder } from './graph-def.js';
import type { GraphVariables } from './graph-variables.js';

/** Graph names of the values a forward pass reads its weights from, per tfjs weight. */
export type WeightReads = (weight: tf.LayerVariable) => string;

/** One layer's part of a recorded forward pass. */
interface Step {
  /** dy → dx (when `needDx`), adding the layer's weight gradients to `grads` when given. */
  backward(
    dy: string,
    needDx: boolean,
    grads: Map<tf.LayerVariable, string> | undefined,
  ): string | undefined;
}

export interface MlpForward {
  output: string;
  /** Batch-norm moving-statistics assignments a training pass makes (nodes to order by). */
  updates: string[];
  /**
   * Backpropagates `dy` (the loss gradient at the output): the gradient at the input when
   * `needDx`, and the weight gradients when `weightGrads`, by tfjs weight.
   */
  backward(
    dy: string,
    options: { needDx: boolean; weightGrads: boolean },
  ): { dx?: string; grads: Map<tf.LayerVariable, string> };
}

/**
 * A tfjs-layers Sequential of Dense, LeakyReLU and BatchNormalization layers (the SFE GAN's
 * generators and discriminators) as graph ops with hand-written gradients: the same arithmetic as
 * the op-by-op path (tfjs-layers' forward, TensorFlow's fused batch norm and its moving-average
 * update with the biased variance, as batch-norm-layer.ts), but one graph TensorFlow runs whole.
 * Every weight becomes a graph variable (`handles`).
 */
export class MlpGraph {
  /** Each weight's variable handle, by tfjs weight. */
  readonly handles = new Map<tf.LayerVariable, string>();

  constructor(
    private readonly graph: GraphBuilder,
    private readonly variables: GraphVariables,
    private readonly model: tf.Sequential,
    private readonly prefix: string,
  ) {
    for (const layer of model.layers) {
      const kind = layer.getClassName();
      if (kind !== 'Dense' && kind !== 'LeakyReLU' && kind !== 'BatchNormalization') {
        throw new Error(`${model.name}: layer ${layer.name} (${kind}) has no training graph form`);
      }
      for (const w of layer.weights) {
        this.handles.set(w, variables.add(`${prefix}/${w.originalName}`, w.shape as number[]));
      }
    }
  }

  /** The forward pass of `x` ([batch, in]); `training` uses and updates batch statistics. */
  forward(x: string, batch: number, read: WeightReads, training: boolean): MlpForward {
    const steps: Step[] = [];
    const updates: string[] = [];
    let h = x;
    for (const layer of this.model.layers) {
      const config = layer.getConfig();
      const name = `${this.prefix}/${layer.name}`;
      const weight = (suffix: string) =>
        layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`))!;
      const input = h;
      switch (layer.getClassName()) {
        case 'Dense': {
          const kernel = weight('kernel');
          const bias = weight('bias');
          const matmul = this.graph.op('MatMul', `${name}/MatMul`, [input, read(kernel)], T);
          const z = this.graph.op('BiasAdd', `${name}/BiasAdd`, [matmul, read(bias)], T);
          const activation = (config['activation'] as string | undefined) ?? 'linear';
          const op = { linear: null, tanh: 'Tanh', sigmoid: 'Sigmoid' }[activation];
          if (op === undefined)
            throw new Error(`${name}: activation ${activation} has no training graph form`);
          const y = op ? this.graph.op(op, `${name}/${op}`, [z], T) : z;
          steps.push({
            backward: (dy, needDx, grads) => {
              const dz = op ? this.graph.op(`${op}Grad`, `${name}/${op}Grad`, [y, dy], T) : dy;
              grads?.set(
                kernel,
                this.graph.op('MatMul', `${name}/dKernel`, [input, dz], {
                  ...T,
                  transpose_a: { b: true },
                }),
              );
              grads?.set(bias, this.graph.op('BiasAddGrad', `${name}/dBias`, [dz], T));
              return needDx
                ? this.graph.op('MatMul', `${name}/dx`, [dz, read(kernel)], {
                    ...T,
                    transpose_b: { b: true },
                  })
                : undefined;
            },
          });
          h = y;
          break;
        }
        case 'LeakyReLU': {
          const alpha = { alpha: { f: config['alpha'] as number } };
          h = this.graph.op('LeakyRelu', `${name}/LeakyRelu`, [input], { ...T, ...alpha });
          steps.push({
            backward: (dy) =>
              this.graph.op('LeakyReluGrad', `${name}/LeakyReluGrad`, [dy, input], {
                ...T,
                ...alpha,
              }),
          });
          break;
        }
        default: {
          const result = this.batchNorm(name, input, batch, training, config, weight, read);
          h = result.y;
          if (result.update) updates.push(...result.update);
          if (result.step) steps.push(result.step);
        }
      }
    }
    return {
      output: h,
      updates,
      backward: (dy, { needDx, weightGrads }) => {
        const grads = new Map<tf.LayerVariable, string>();
        const wanted = weightGrads ? grads : undefined;
        let d = dy;
        for (let i = steps.length - 1; i >= 0; i--) {
          const dx = steps[i]!.backward(d, needDx || i > 0, wanted);
          if (i > 0) d = dx!;
          else if (needDx) return { dx: dx!, grads };
        }
        return { grads };
      },
    };
  }

  private batchNorm(
    name: string,
    input: string,
    batch: number,
    training: boolean,
    config: Record<string, unknown>,
    weight: (suffix: string) => tf.LayerVariable,
    read: WeightReads,
  ): { y: string; update?: string[]; step?: Step } {
    const g = this.graph;
    const [gamma, beta, movingMean, movingVariance] = [
      'gamma',
      'beta',
      'moving_mean',
      'moving_variance',
    ].map(weight) as [tf.LayerVariable, tf.LayerVariable, tf.LayerVariable, tf.LayerVariable];
    const units = gamma.shape[0]!;
    const epsilon = { epsilon: { f: config['epsilon'] as number } };
    const attrs = { ...T, U: { type: DT_FLOAT }, ...epsilon, data_format: { s: 'NHWC' } };
    const to4d = [batch, 1, 1, units];
    const to2d = [batch, units];
    const reshape = (x: string, dims: number[], tag: string) =>
      g.reshape(`${name}/${tag}`, x, dims);
    const x4 = reshape(input, to4d, 'x4');
    if (!training) {
      const y = g.op(
        'FusedBatchNormV3',
        `${name}/FusedBatchNormV3`,
        [x4, read(gamma), read(beta), read(movingMean), read(movingVariance)],
        {
          ...attrs,
          is_training: { b: false },
        },
      );
      return { y: reshape(y, to2d, 'y') };
    }
    const empty = g.floats(`${name}/empty`, [0], new Float32Array(0));
    const scale = read(gamma);
    const fused = g.op(
      'FusedBatchNormV3',
      `${name}/FusedBatchNormV3`,
      [x4, scale, read(beta), empty, empty],
      {
        ...attrs,
        is_training: { b: true },
        exponential_avg_factor: { f: 1 },
      },
    );
    // moving ← moving − (moving − batch)·(1 − momentum), with the biased batch variance.
    const rate = g.floats(`${name}/rate`, [], Float32Array.of(1 - (config['momentum'] as number)));
    const moving = (w: tf.LayerVariable, batchValue: string, tag: string) => {
      const current = read(w);
      const delta = g.op(
        'Mul',
        `${name}/${tag}/delta`,
        [g.op('Sub', `${name}/${tag}/diff`, [current, batchValue], T), rate],
        T,
      );
      return this.variables.assign(
        this.handles.get(w)!,
        g.op('Sub', `${name}/${tag}/new`, [current, delta], T),
      );
    };
    const bessel = g.floats(
      `${name}/biased`,
      [],
      Float32Array.of(batch > 1 ? (batch - 1) / batch : 1),
    );
    const biased = g.op('Mul', `${name}/biasedVariance`, [`${fused}:2`, bessel], T);
    const update = [
      moving(movingMean, `${fused}:1`, 'mean'),
      moving(movingVariance, biased, 'variance'),
    ];
    return {
      y: reshape(fused, to2d, 'y'),
      update,
      step: {
        backward: (dy, _needDx, grads) => {
          const back = g.op(
            'FusedBatchNormGradV3',
            `${name}/FusedBatchNormGradV3`,
            [reshape(dy, to4d, 'dy4'), x4, scale, `${fused}:3`, `${fused}:4`, `${fused}:5`],
            { ...attrs, is_training: { b: true } },
          );
          grads?.set(gamma, `${back}:1`);
          grads?.set(beta, `${back}:2`);
          return reshape(back, to2d, 'dx');
        },
      },
    };
  }
}
