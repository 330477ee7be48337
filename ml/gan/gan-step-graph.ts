import type * as tf from '@tensorflow/tfjs';
import { DT_INT32, FLOAT_T as T, GraphBuilder } from '../graph/graph-def.js';
import { after, GraphVariables } from '../graph/graph-variables.js';
import { MlpGraph, type MlpForward } from '../graph/mlp-graph.js';
import type { AdamSettings } from '../training/adam.js';
import { KERAS_EPSILON } from '../training/losses.js';
import type { GanOptions } from './gan-options.js';
import type { LossColumn } from './loss-history.js';

export interface GanGraphModels {
  generators: [tf.Sequential, tf.Sequential];
  /** Each GAN's discriminator (the same model twice when shared). */
  discriminators: [tf.Sequential, tf.Sequential];
}

/** Where to feed and fetch one compiled GAN iteration. */
export interface GanStepGraph {
  graph: GraphBuilder;
  /** x, the PG targets, the NG targets ([batch, d] each), then β₁ᵗ, β₂ᵗ of D's and G's Adam. */
  stepInputs: string[];
  /** The six losses, in `lossOrder`; fetching it runs the whole iteration. */
  losses: string;
  lossOrder: LossColumn[];
  /**
   * Every variable in load/read order: `weights`, then D's Adam moments (first, then second),
   * then G's.
   */
  load: string[];
  loaded: string;
  read: string[];
  /** The tfjs weights in that order (each model's once); then the trainables in Adam's order. */
  weights: tf.LayerVariable[];
  dTrainable: tf.LayerVariable[];
  gTrainable: tf.LayerVariable[];
}

/** Builds loss and gradient nodes on `g`. */
class LossOps {
  constructor(private readonly g: GraphBuilder) {}

  scalar(name: string, value: number): string {
    return this.g.floats(name, [], Float32Array.of(value));
  }

  mean(name: string, x: string): string {
    return this.g.op('Mean', name, [x, this.g.ints(`${name}/axes`, [0, 1])], {
      ...T,
      Tidx: { type: DT_INT32 },
      keep_dims: { b: false },
    });
  }

  /**
   * Mean binary cross-entropy of probabilities `p` ([rows, 1]) against a constant label, with
   * Keras's clipping (losses.ts), and its gradient at `p` scaled by `scale`.
   */
  bce(
    name: string,
    p: string,
    label: 0 | 1,
    rows: number,
  ): { loss: string; grad: (scale: number) => string } {
    const g = this.g;
    const eps = this.scalar(`${name}/eps`, KERAS_EPSILON);
    const oneMinusEps = this.scalar(`${name}/1-eps`, 1 - KERAS_EPSILON);
    const clipped = g.op('ClipByValue', `${name}/clip`, [p, eps, oneMinusEps], T);
    const inner =
      label === 1
        ? clipped
        : g.op('Sub', `${name}/1-p`, [this.scalar(`${name}/one`, 1), clipped], T);
    const loss = g.op(
      'Neg',
      `${name}/loss`,
      [this.mean(`${name}/mean`, g.op('Log', `${name}/log`, [inner], T))],
      T,
    );
    return {
      loss,
      grad: (scale) => {
        // d/dp of −mean(log p) is −1/(rows·p); of −mean(log(1 − p)) it is 1/(rows·(1 − p)).
        const factor = this.scalar(`${name}/factor`, (label === 1 ? -scale : scale) / rows);
        const raw = g.op(
          'Mul',
          `${name}/dRaw`,
          [g.op('Reciprocal', `${name}/inv`, [inner], T), factor],
          T,
        );
        // ClipByValue passes the gradient only where p lies within the bounds (as tfjs's).
        const inside = g.op('LogicalAnd', `${name}/inside`, [
          g.op('GreaterEqual', `${name}/ge`, [p, eps], T),
          g.op('LessEqual', `${name}/le`, [p, oneMinusEps], T),
        ]);
        return g.op('SelectV2', `${name}/dp`, [inside, raw, this.scalar(`${name}/zero`, 0)], T);
      },
    };
  }

  /** Mean squared error of `a` and `b` ([rows, d]) and its gradient at `a` times `scale`. */
  mse(
    name: string,
    a: string,
    b: string,
    count: number,
    scale: number,
  ): { loss: string; grad: string } {
    const diff = this.g.op('Sub', `${name}/diff`, [a, b], T);
    const loss = this.mean(`${name}/mean`, this.g.op('Square', `${name}/square`, [diff], T));
    const grad = this.g.op(
      'Mul',
      `${name}/grad`,
      [diff, this.scalar(`${name}/factor`, (2 * scale) / count)],
      T,
    );
    return { loss, grad };
  }
}

function sum(g: GraphBuilder, name: string, terms: string[]): string {
  return terms.length === 1
    ? terms[0]!
    : g.op('AddN', name, terms, { ...T, N: { i: terms.length } });
}

/**
 * One SFE GAN iteration (gan-trainer.ts's `step`) as a TensorFlow graph: the D step on fakes from
 * inference-mode generators, D's Adam update, then the G step through the updated D and G's Adam
 * update, each an op with its gradient written out. Control edges keep the op-by-op order where
 * values would otherwise race: D's second reads wait for its update; batch-norm statistics
 * are replaced only after the inference pass has read them.
 */
export function buildGanStepGraph(
  models: GanGraphModels,
  options: Pick<GanOptions, 'batchSize' | 'mseWeight' | 'advWeight' | 'discriminator'>,
  adam: AdamSettings,
  dim: number,
): GanStepGraph {
  const g = new GraphBuilder();
  const vars = new GraphVariables(g);
  const ops = new LossOps(g);
  const batch = options.batchSize;
  const roles = ['pg', 'ng'] as const;

  const distinct = [...new Set([...models.generators, ...models.discriminators])];
  const names = new Map<tf.Sequential, string>();
  models.generators.forEach((m, i) => names.set(m, roles[i]!));
  const sharedD = models.discriminators[0] === models.discriminators[1];
  models.discriminators.forEach((m, i) => names.set(m, sharedD ? 'd' : `d_${roles[i]}`));
  const mlps = new Map(distinct.map((m) => [m, new MlpGraph(g, vars, m, names.get(m)!)]));
  const handle = (w: tf.LayerVariable) => {
    for (const mlp of mlps.values()) {
      const h = mlp.handles.get(w);
      if (h) return h;
    }
    throw new Error(`weight ${w.name} is not in the GAN graph`);
  };
  // The variables' order: each model's layers' weights, as the MlpGraphs added them.
  const weights = distinct.flatMap((m) => [...mlps.get(m)!.handles.keys()]);
  const firstReads = new Map(weights.map((w) => [w, vars.read(handle(w))]));
  const dModels = [...new Set(models.discriminators)];
  const dTrainable = dModels.flatMap((m) => m.trainableWeights);
  const gTrainable = models.generators.flatMap((m) => m.trainableWeights);

  const x = g.placeholder('x', [batch, dim]);
  const targets = roles.map((r) => g.placeholder(`targets_${r}`, [batch, dim]));
  const powers = ['d', 'g'].map((k) => [
    g.placeholder(`${k}/beta1_power`, []),
    g.placeholder(`${k}/beta2_power`, []),
  ]);
  const adamConsts = [adam.learningRate, adam.beta1, adam.beta2, adam.epsilon].map((v, i) =>
    ops.scalar(`adam/${i}`, v),
  );
  // As Adam's snapshot lays them out: every first moment, then every second moment.
  const moments = (kind: string, trainable: tf.LayerVariable[]) => {
    const add = (slot: string) =>
      trainable.map((w, i) => vars.add(`opt/${kind}/${slot}/${i}`, w.shape as number[]));
    const [m, v] = [add('m'), add('v')];
    return trainable.map((_, i) => [m[i]!, v[i]!]);
  };
  const dMoments = moments('d', dTrainable);
  const gMoments = moments('g', gTrainable);
  const applyAdam = (
    kind: string,
    trainable: tf.LayerVariable[],
    slots: string[][],
    grads: Map<tf.LayerVariable, string[]>,
    p: string[],
  ) =>
    trainable.map((w, i) =>
      g.op(
        'ResourceApplyAdam',
        `opt/${kind}/apply/${i}`,
        [
          handle(w),
          slots[i]![0]!,
          slots[i]![1]!,
          p[0]!,
          p[1]!,
          ...adamConsts,
          sum(g, `opt/${kind}/grad/${i}`, grads.get(w) ?? []),
        ],
        {
          ...T,
          use_locking: { b: false },
          use_nesterov: { b: false },
        },
      ),
    );
  const collect = (into: Map<tf.LayerVariable, string[]>, grads: Map<tf.LayerVariable, string>) => {
    for (const [w, grad] of grads) into.set(w, [...(into.get(w) ?? []), grad]);
  };

  // D step: real and fake rows through D in one pass, fakes from inference-mode generators.
  const dScale = sharedD ? 0.5 : 1;
  const dGrads = new Map<tf.LayerVariable, string[]>();
  const dLosses = roles.map((role, i) => {
    const fake = mlps
      .get(models.generators[i]!)!
      .forward(x, batch, (w) => firstReads.get(w)!, false).output;
    const rows = g.op(
      'ConcatV2',
      `d_step_${role}/rows`,
      [targets[i]!, fake, g.scalarInt(`d_step_${role}/axis`, 0)],
      {
        ...T,
        N: { i: 2 },
        Tidx: { type: DT_INT32 },
      },
    );
    const d = mlps
      .get(models.discriminators[i]!)!
      .forward(rows, 2 * batch, (w) => firstReads.get(w)!, false);
    const split = g.op(
      'Split',
      `d_step_${role}/split`,
      [g.scalarInt(`d_step_${role}/split_axis`, 0), d.output],
      { ...T, num_split: { i: 2 } },
    );
    const real = ops.bce(`d_step_${role}/real`, split, 1, batch);
    const fakeLoss = ops.bce(`d_step_${role}/fake`, `${split}:1`, 0, batch);
    const loss = g.op(
      'Mul',
      `d_step_${role}/loss`,
      [
        g.op('Add', `d_step_${role}/sum`, [real.loss, fakeLoss.loss], T),
        ops.scalar(`d_step_${role}/half`, 0.5),
      ],
      T,
    );
    const dScores = g.op(
      'ConcatV2',
      `d_step_${role}/dScores`,
      [
        real.grad(0.5 * dScale),
        fakeLoss.grad(0.5 * dScale),
        g.scalarInt(`d_step_${role}/daxis`, 0),
      ],
      {
        ...T,
        N: { i: 2 },
        Tidx: { type: DT_INT32 },
      },
    );
    collect(dGrads, d.backward(dScores, { needDx: false, weightGrads: true }).grads);
    return loss;
  });
  const dApplies = applyAdam('d', dTrainable, dMoments, dGrads, powers[0]!);

  // G step through the updated D; only G's weights change.
  const secondReads = new Map<tf.LayerVariable, string>();
  const dWeights = new Set(dModels.flatMap((m) => m.weights));
  const readG = (w: tf.LayerVariable) => {
    if (!dWeights.has(w)) return firstReads.get(w)!;
    if (!secondReads.has(w)) secondReads.set(w, vars.read(handle(w), dApplies));
    return secondReads.get(w)!;
  };
  const gGrads = new Map<tf.LayerVariable, string[]>();
  const updates: string[] = [];
  const gParts = roles.map((role, i) => {
    const generated: MlpForward = mlps.get(models.generators[i]!)!.forward(x, batch, readG, true);
    updates.push(...generated.updates);
    const fit = ops.mse(
      `g_step_${role}/mse`,
      generated.output,
      targets[i]!,
      batch * dim,
      options.mseWeight,
    );
    const d = mlps.get(models.discriminators[i]!)!.forward(generated.output, batch, readG, false);
    const fool = ops.bce(`g_step_${role}/fool`, d.output, 1, batch);
    const throughD = d.backward(fool.grad(options.advWeight), {
      needDx: true,
      weightGrads: false,
    }).dx!;
    const dGenerated = sum(g, `g_step_${role}/dGenerated`, [fit.grad, throughD]);
    collect(gGrads, generated.backward(dGenerated, { needDx: false, weightGrads: true }).grads);
    const loss = g.op(
      'AddV2',
      `g_step_${role}/loss`,
      [
        g.op(
          'Mul',
          `g_step_${role}/wFit`,
          [fit.loss, ops.scalar(`g_step_${role}/mseWeight`, options.mseWeight)],
          T,
        ),
        g.op(
          'Mul',
          `g_step_${role}/wFool`,
          [fool.loss, ops.scalar(`g_step_${role}/advWeight`, options.advWeight)],
          T,
        ),
      ],
      T,
    );
    return { fit: fit.loss, loss };
  });
  const gApplies = applyAdam('g', gTrainable, gMoments, gGrads, powers[1]!);

  const lossOrder: LossColumn[] = ['dLossPG', 'dLossNG', 'gLossPG', 'gLossNG', 'msePG', 'mseNG'];
  const values = [
    dLosses[0]!,
    dLosses[1]!,
    gParts[0]!.loss,
    gParts[1]!.loss,
    gParts[0]!.fit,
    gParts[1]!.fit,
  ];
  const packed = g.op('Pack', 'losses/pack', values, {
    ...T,
    N: { i: values.length },
    axis: { i: 0 },
  });
  const losses = g.op(
    'Identity',
    'losses',
    [packed, ...after([...dApplies, ...gApplies, ...updates])],
    T,
  );
  const entry = vars.entryPoints();
  return {
    graph: g,
    stepInputs: [x, ...targets, ...powers.flat()],
    losses,
    lossOrder,
    load: entry.load,
    loaded: entry.loaded,
    read: entry.read,
    weights,
    dTrainable,
    gTrainable,
  };
}
