import * as tf from '@tensorflow/tfjs';

/**
 * tfjs's AdamOptimizer keeps β₁ᵗ and β₂ᵗ as running products, but its `setWeights` recomputes
 * them with `pow`, which differs from the product in the last bits. A bit-exact resume needs
 * the products themselves, so they travel with the moments. The fields are private in the
 * typings only; this is the one place that reaches them.
 */
interface AdamBetaPowers {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function betaPowers(optimizer: tf.AdamOptimizer): AdamBetaPowers {
  const powers = optimizer as unknown as Partial<AdamBetaPowers>;
  if (!(powers.accBeta1 instanceof tf.Variable) || !(powers.accBeta2 instanceof tf.Variable)) {
    throw new Error('this tfjs AdamOptimizer has no accBeta1/accBeta2: update adam-state.ts');
  }
  return powers as AdamBetaPowers;
}

/**
 * The optimizer's full state as an ordered tensor list (copies, owned by the caller):
 * the step count, first moments, second moments, then β₁ᵗ and β₂ᵗ. Moment order follows the
 * variable order of the gradients the optimizer was given, which tfjs matches by position.
 */
export async function snapshotAdam(optimizer: tf.AdamOptimizer): Promise<tf.Tensor[]> {
  const weights = await optimizer.getWeights();
  const { accBeta1, accBeta2 } = betaPowers(optimizer);
  return [...weights.map((w) => w.tensor.clone()), accBeta1.clone(), accBeta2.clone()];
}

/** Loads a `snapshotAdam` list into a (fresh) optimizer with the same hyperparameters. */
export async function restoreAdam(optimizer: tf.AdamOptimizer, state: tf.Tensor[]): Promise<void> {
  if (state.length < 3 || (state.length - 3) % 2 !== 0) {
    throw new Error(`Adam state must hold 3 + 2k tensors, found ${state.length}`);
  }
  const [iterations, ...rest] = state;
  const moments = rest.slice(0, -2);
  const [beta1Power, beta2Power] = rest.slice(-2) as [tf.Tensor, tf.Tensor];
  // setWeights wraps each tensor's data in a new variable (sharing, not copying, the data),
  // so copies are handed over and released after; the caller keeps ownership of `state`.
  const handed = [
    { name: 'iter', tensor: iterations!.clone() },
    ...moments.map((tensor, i) => ({ name: `moment_${i}`, tensor: tensor.clone() })),
  ];
  await optimizer.setWeights(handed);
  tf.dispose(handed.map((w) => w.tensor));
  const powers = betaPowers(optimizer);
  powers.accBeta1.assign(beta1Power.reshape([]));
  powers.accBeta2.assign(beta2Power.reshape([]));
}
