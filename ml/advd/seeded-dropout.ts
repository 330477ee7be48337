import * as tf from '@tensorflow/tfjs';

/** Gives a fresh mask seed at each training-mode call of a `SeededDropout` layer. */
export type DropoutSeeds = () => number;

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export interface SeededDropoutArgs extends LayerArgs {
  /** Fraction of units zeroed in training, in [0, 1). */
  rate: number;
  /** Needed only to train: inference draws nothing. */
  seeds?: DropoutSeeds;
}

/**
 * Dropout whose mask comes from a seed drawn from `seeds` at every training-mode call, so the
 * masks change from step to step yet repeat exactly when a run repeats its seed stream. tfjs's
 * own Dropout is either unseeded (not reproducible) or reuses one mask at every step. The
 * identity at inference.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';
  readonly rate: number;
  private readonly seeds: DropoutSeeds | undefined;

  constructor({ rate, seeds, ...layerArgs }: SeededDropoutArgs) {
    super(layerArgs);
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
    this.rate = rate;
    this.seeds = seeds;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs['training'] !== true || this.rate === 0) return x;
    if (!this.seeds) throw new Error(`${this.name}: training needs a dropout seed source`);
    return tf.dropout(x, this.rate, undefined, this.seeds());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { rate: this.rate, ...super.getConfig() };
  }
}

// Lets summaries and topology (de)serialisation name the class; seeds are not serialised.
tf.serialization.registerClass(SeededDropout);
