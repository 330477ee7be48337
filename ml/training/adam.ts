import * as tf from '@tensorflow/tfjs';
import { NativeKernels, type AdamScalars } from './native-kernels.js';

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Where the moments live and how one update is carried out. */
interface MomentSlots {
  update(variables: tf.Variable[], gradients: tf.Tensor[], s: AdamScalars): void;
  /** First moments, then second moments: copies the caller owns. */
  read(): tf.Tensor[];
  /** Replaces the moments (the caller keeps ownership of `moments`). */
  load(moments: tf.Tensor[]): void;
  dispose(): void;
}

/** Zero first and second moments for `variables` (one buffer each, shared until updated). */
function zeroMoments(variables: tf.Variable[]): tf.Tensor[] {
  const zeros = variables.map((x) => tf.zerosLike(x));
  return [...zeros, ...zeros];
}

/** Moments as tfjs variables, the update spelled out in tfjs ops: every backend. */
class TensorSlots implements MomentSlots {
  private m: tf.Variable[] = [];
  private v: tf.Variable[] = [];

  update(variables: tf.Variable[], gradients: tf.Tensor[], s: AdamScalars): void {
    if (this.m.length === 0) this.load(zeroMoments(variables));
    const alpha = tf.div(
      tf.mul(s.learningRate, tf.sqrt(tf.sub(1, s.beta2Power))),
      tf.sub(1, s.beta1Power),
    );
    const [rate1, rate2] = [tf.sub(1, s.beta1), tf.sub(1, s.beta2)];
    variables.forEach((x, i) => {
      const g = gradients[i]!;
      const m = tf.add(this.m[i]!, tf.mul(tf.sub(g, this.m[i]!), rate1));
      const v = tf.add(this.v[i]!, tf.mul(tf.sub(tf.square(g), this.v[i]!), rate2));
      x.assign(tf.sub(x, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(v), s.epsilon))));
      this.m[i]!.assign(m);
      this.v[i]!.assign(v);
    });
  }

  read(): tf.Tensor[] {
    return [...this.m, ...this.v].map((t) => t.clone());
  }

  load(moments: tf.Tensor[]): void {
    this.dispose();
    const k = moments.length / 2;
    // A tfjs variable shares its initial value's (immutable) data, so no copy is needed.
    const held = moments.map((t) => tf.variable(t, false));
    this.m = held.slice(0, k);
    this.v = held.slice(k);
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
    this.m = [];
    this.v = [];
  }
}

/**
 * Moments as TensorFlow resource variables, updated by its fused `ResourceApplyAdam` kernel
 * (tfjs-node). The weights stay tfjs variables (layers and checkpoints read them): each update
 * points a resource variable at a weight, lets the kernel update it (TensorFlow copies the
 * buffer first, as tfjs still holds it) and hands the result back.
 */
class ResourceSlots implements MomentSlots {
  private weights: tf.Tensor[] = [];
  /** The data each weight's variable held when this last updated it (else: someone set it). */
  private handedBack: object[] = [];
  private m: tf.Tensor[] = [];
  private v: tf.Tensor[] = [];

  constructor(private readonly ops: NativeKernels) {}

  update(variables: tf.Variable[], gradients: tf.Tensor[], s: AdamScalars): void {
    if (this.m.length === 0) this.load(zeroMoments(variables));
    if (this.weights.length === 0) this.weights = variables.map((x) => this.ops.variable(x));
    variables.forEach((x, i) => {
      const handle = this.weights[i]!;
      // A weight set from outside (setWeights, a restored checkpoint) is pointed at again.
      if (x.dataId !== this.handedBack[i]) this.ops.assign(handle, x);
      this.ops.applyAdam(handle, this.m[i]!, this.v[i]!, s, gradients[i]!);
      x.assign(this.ops.read(handle));
      this.handedBack[i] = x.dataId;
    });
  }

  read(): tf.Tensor[] {
    return [...this.m, ...this.v].map((h) => this.ops.read(h));
  }

  load(moments: tf.Tensor[]): void {
    tf.dispose([...this.m, ...this.v]);
    const k = moments.length / 2;
    const handles = moments.map((t) => this.ops.variable(t));
    this.m = handles.slice(0, k);
    this.v = handles.slice(k);
  }

  dispose(): void {
    tf.dispose([...this.weights, ...this.m, ...this.v]);
    this.weights = [];
    this.handedBack = [];
    this.m = [];
    this.v = [];
  }
}

/**
 * Adam as TensorFlow's ApplyAdam kernel (and Keras) computes it:
 *   m ← m + (g − m)(1 − β₁),  v ← v + (g² − v)(1 − β₂),
 *   x ← x − α·m / (√v + ε),   α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ).
 * On tfjs-node one fused kernel call per variable does it; elsewhere the same formula runs in
 * tfjs ops. β₁ᵗ and β₂ᵗ are running float32 products, so a restored state goes on bit for bit.
 * Moments pair with variables by position: pass the variables in the same order every step.
 */
export class Adam {
  private iterations = 0;
  private beta1Power: number;
  private beta2Power: number;
  private readonly slots: MomentSlots;

  constructor(readonly settings: AdamSettings) {
    this.beta1Power = Math.fround(settings.beta1);
    this.beta2Power = Math.fround(settings.beta2);
    const native = NativeKernels.ofActiveBackend();
    this.slots = native ? new ResourceSlots(native) : new TensorSlots();
  }

  applyGradients(variables: tf.Variable[], gradients: tf.Tensor[]): void {
    if (variables.length !== gradients.length) {
      throw new Error(`${variables.length} variables but ${gradients.length} gradients`);
    }
    const { learningRate, beta1, beta2, epsilon } = this.settings;
    tf.tidy(() =>
      this.slots.update(variables, gradients, {
        beta1Power: tf.scalar(this.beta1Power),
        beta2Power: tf.scalar(this.beta2Power),
        learningRate: tf.scalar(learningRate),
        beta1: tf.scalar(beta1),
        beta2: tf.scalar(beta2),
        epsilon: tf.scalar(epsilon),
      }),
    );
    this.advanceStep();
  }

  /**
   * Counts one update and returns the β₁ᵗ and β₂ᵗ it uses. `applyGradients` calls it; so does
   * an update carried out elsewhere (a compiled training graph running TensorFlow's Adam kernel
   * on its own copy of the moments), whose moments are stale here until `restore`d.
   */
  advanceStep(): { beta1Power: number; beta2Power: number } {
    const powers = { beta1Power: this.beta1Power, beta2Power: this.beta2Power };
    this.iterations++;
    this.beta1Power = Math.fround(this.beta1Power * Math.fround(this.settings.beta1));
    this.beta2Power = Math.fround(this.beta2Power * Math.fround(this.settings.beta2));
    return powers;
  }

  /**
   * The full state as an ordered tensor list the caller owns: the step count (int32), first
   * moments, second moments, then β₁ᵗ and β₂ᵗ — the layout checkpoints have always used.
   */
  snapshot(): tf.Tensor[] {
    return [
      tf.scalar(this.iterations, 'int32'),
      ...this.slots.read(),
      tf.scalar(this.beta1Power),
      tf.scalar(this.beta2Power),
    ];
  }

  /**
   * First moments then second moments: copies the caller owns; none before the first update.
   */
  moments(): tf.Tensor[] {
    return this.slots.read();
  }

  /** Replaces the moments (the `moments` layout; the caller keeps ownership). */
  replaceMoments(moments: tf.Tensor[]): void {
    this.slots.load(moments);
  }

  /** Loads a `snapshot` list; the caller keeps ownership of `state`. */
  restore(state: tf.Tensor[]): void {
    if (state.length < 3 || (state.length - 3) % 2 !== 0) {
      throw new Error(`Adam state must hold 3 + 2k tensors, found ${state.length}`);
    }
    const [iterations, ...rest] = state;
    this.slots.load(rest.slice(0, -2));
    this.iterations = iterations!.dataSync()[0]!;
    this.beta1Power = rest.at(-2)!.dataSync()[0]!;
    this.beta2Power = rest.at(-1)!.dataSync()[0]!;
  }

  dispose(): void {
    this.slots.dispose();
  }
}
