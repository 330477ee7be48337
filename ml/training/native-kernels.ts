import * as tf from '@tensorflow/tfjs';

/**
 * TensorFlow resource variables and its fused Adam and batch-normalisation kernels, reached
 * through tfjs-node's generic op execution. tfjs spells these out in many small ops (~14 per
 * Adam update of a variable, ~30 for a batch norm and its gradient), each a native call and
 * most a pass over memory; TensorFlow's kernels do each in one.
 * tfjs-node holds a resource handle as a scalar tensor of dtype `string` (its data stays in
 * TensorFlow), which is how its TensorBoard writer keeps its resource too.
 */
interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

interface NodeBinding {
  TF_ATTR_STRING: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_SHAPE: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_FLOAT: number;
  TF_FLOAT: number;
}

interface NodeBackend {
  binding: NodeBinding;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: OpAttr[],
    inputs: tf.TensorInfo[],
    outputs: number,
  ): tf.Tensor[];
}

/**
 * TensorFlow's name for a resource that lives as long as a handle to it (eager semantics), so
 * disposing the handle frees the variable.
 */
const ANONYMOUS_RESOURCE = 'cd2c89b7-88b7-44c8-ad83-06c2a9158347';

export interface AdamScalars {
  beta1Power: tf.Scalar;
  beta2Power: tf.Scalar;
  learningRate: tf.Scalar;
  beta1: tf.Scalar;
  beta2: tf.Scalar;
  epsilon: tf.Scalar;
}

export class NativeKernels {
  private constructor(private readonly backend: NodeBackend) {}

  /** The ops on the active backend, or undefined where it is not tfjs-node's (wasm, cpu). */
  static ofActiveBackend(): NativeKernels | undefined {
    if (tf.getBackend() !== 'tensorflow') return undefined;
    const backend = tf.backend() as unknown as Partial<NodeBackend>;
    const binding = backend.binding;
    if (
      typeof backend.executeSingleOutput !== 'function' ||
      typeof backend.executeMultipleOutputs !== 'function' ||
      typeof binding?.TF_ATTR_SHAPE !== 'number'
    ) {
      return undefined;
    }
    return new NativeKernels(backend as NodeBackend);
  }

  /** A float32 resource variable holding a copy-on-write reference to `value`. */
  variable(value: tf.Tensor): tf.Tensor {
    const b = this.backend.binding;
    const handle = tf.keep(
      this.backend.executeSingleOutput(
        'VarHandleOp',
        [
          { name: 'container', type: b.TF_ATTR_STRING, value: '' },
          { name: 'shared_name', type: b.TF_ATTR_STRING, value: ANONYMOUS_RESOURCE },
          this.floatAttr('dtype'),
          { name: 'shape', type: b.TF_ATTR_SHAPE, value: value.shape },
        ],
        [],
      ),
    );
    this.assign(handle, value);
    return handle;
  }

  /** Points the variable at `value`'s buffer; TensorFlow copies it before an in-place update. */
  assign(handle: tf.Tensor, value: tf.Tensor): void {
    this.backend.executeMultipleOutputs(
      'AssignVariableOp',
      [this.floatAttr('dtype')],
      [handle, value],
      0,
    );
  }

  /** The variable's current value, unaffected by later updates (copy-on-write). */
  read(handle: tf.Tensor): tf.Tensor {
    return this.backend.executeSingleOutput('ReadVariableOp', [this.floatAttr('dtype')], [handle]);
  }

  /** TensorFlow's Adam kernel: updates `variable`, `m` and `v` in place, in one pass. */
  applyAdam(
    variable: tf.Tensor,
    m: tf.Tensor,
    v: tf.Tensor,
    s: AdamScalars,
    gradient: tf.Tensor,
  ): void {
    const b = this.backend.binding;
    this.backend.executeMultipleOutputs(
      'ResourceApplyAdam',
      [
        this.floatAttr('T'),
        { name: 'use_locking', type: b.TF_ATTR_BOOL, value: false },
        { name: 'use_nesterov', type: b.TF_ATTR_BOOL, value: false },
      ],
      [
        variable,
        m,
        v,
        s.beta1Power,
        s.beta2Power,
        s.learningRate,
        s.beta1,
        s.beta2,
        s.epsilon,
        gradient,
      ],
      0,
    );
  }

  /**
   * `FusedBatchNormV3` in training mode on NHWC input: the normalised output, the batch mean and
   * (Bessel-corrected) variance, and the reserve tensors its gradient needs.
   */
  fusedBatchNormTraining(
    x: tf.Tensor,
    scale: tf.Tensor,
    offset: tf.Tensor,
    epsilon: number,
  ): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; reserve: tf.Tensor[] } {
    const empty = tf.tensor1d([]);
    const [y, mean, variance, ...reserve] = this.backend.executeMultipleOutputs(
      'FusedBatchNormV3',
      [
        ...this.batchNormAttrs(epsilon),
        { name: 'exponential_avg_factor', type: this.backend.binding.TF_ATTR_FLOAT, value: 1 },
      ],
      [x, scale, offset, empty, empty],
      6,
    );
    empty.dispose();
    return { y: y!, mean: mean!, variance: variance!, reserve };
  }

  /** `FusedBatchNormGradV3` for `fusedBatchNormTraining`'s output. */
  fusedBatchNormGrad(
    dy: tf.Tensor,
    x: tf.Tensor,
    scale: tf.Tensor,
    reserve: tf.Tensor[],
    epsilon: number,
  ): { dx: tf.Tensor; dScale: tf.Tensor; dOffset: tf.Tensor } {
    const [dx, dScale, dOffset, ...unused] = this.backend.executeMultipleOutputs(
      'FusedBatchNormGradV3',
      this.batchNormAttrs(epsilon),
      [dy, x, scale, ...reserve],
      5,
    );
    tf.dispose(unused);
    return { dx: dx!, dScale: dScale!, dOffset: dOffset! };
  }

  private batchNormAttrs(epsilon: number): OpAttr[] {
    const b = this.backend.binding;
    return [
      this.floatAttr('T'),
      this.floatAttr('U'),
      { name: 'epsilon', type: b.TF_ATTR_FLOAT, value: epsilon },
      { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' },
      { name: 'is_training', type: b.TF_ATTR_BOOL, value: true },
    ];
  }

  private floatAttr(name: string): OpAttr {
    return { name, type: this.backend.binding.TF_ATTR_TYPE, value: this.backend.binding.TF_FLOAT };
  }
}
