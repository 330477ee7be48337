import * as tf from '@tensorflow/tfjs';
import { DT_FLOAT, DT_INT32, FLOAT_T as T, type GraphBuilder } from './graph-def.js';

/** A layer (or a setting of one) that has no graph form here; callers run the model op by op. */
export class UnsupportedLayerError extends Error {}

type Layer = tf.layers.Layer;
type Config = Record<string, unknown>;

const ACTIVATION_OPS: Record<string, string | null> = {
  linear: null,
  relu: 'Relu',
  relu6: 'Relu6',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softmax: 'Softmax',
  elu: 'Elu',
  selu: 'Selu',
  softplus: 'Softplus',
};

/** What converting one layer needs: the graph, the layer's inputs by graph name, its config. */
interface LayerCall {
  graph: GraphBuilder;
  layer: Layer;
  config: Config;
  inputs: string[];
  /** The layer's output shape, batch axis null. */
  outputShape: (number | null)[];
}

function unsupported(call: LayerCall, what: string): never {
  throw new UnsupportedLayerError(
    `layer ${call.layer.name} (${call.layer.getClassName()}): ${what} has no graph form`,
  );
}

function weight(call: LayerCall, name: string): tf.LayerVariable | undefined {
  return call.layer.weights.find((w) => w.originalName.split('/').pop() === name);
}

/** The layer's weight `name` as a graph constant, read now. */
function constWeight(call: LayerCall, name: string): string {
  const variable = weight(call, name);
  if (!variable) unsupported(call, `a missing ${name} weight`);
  const data = variable.read().dataSync() as Float32Array;
  return call.graph.floats(`${call.layer.name}/${name}`, variable.shape as number[], data);
}

function pair(value: unknown): [number, number] {
  return Array.isArray(value)
    ? [value[0] as number, value[1] as number]
    : [value as number, value as number];
}

function channelsLast(call: LayerCall): void {
  const format = call.config['dataFormat'];
  if (format !== undefined && format !== 'channelsLast')
    unsupported(call, `dataFormat ${String(format)}`);
}

function padding(call: LayerCall): string {
  const p = call.config['padding'];
  if (p !== 'same' && p !== 'valid') unsupported(call, `padding ${String(p)}`);
  return p.toUpperCase();
}

function activation(call: LayerCall, x: string, name: string): string {
  const op = ACTIVATION_OPS[name];
  if (op === undefined) unsupported(call, `activation ${name}`);
  return op === null ? x : call.graph.op(op, `${call.layer.name}/${op}`, [x], T);
}

function withBiasAndActivation(call: LayerCall, x: string): string {
  let y = x;
  if (call.config['useBias'] !== false) {
    y = call.graph.op('BiasAdd', `${call.layer.name}/BiasAdd`, [y, constWeight(call, 'bias')], T);
  }
  return activation(call, y, (call.config['activation'] as string | undefined) ?? 'linear');
}

function convolution(call: LayerCall, op: string, kernel: string): string {
  channelsLast(call);
  const [sh, sw] = pair(call.config['strides'] ?? 1);
  const [dh, dw] = pair(call.config['dilationRate'] ?? 1);
  const y = call.graph.op(
    op,
    `${call.layer.name}/${op}`,
    [call.inputs[0]!, constWeight(call, kernel)],
    {
      ...T,
      strides: { ints: [1, sh, sw, 1] },
      dilations: { ints: [1, dh, dw, 1] },
      padding: { s: padding(call) },
      data_format: { s: 'NHWC' },
    },
  );
  return withBiasAndActivation(call, y);
}

function pool(call: LayerCall, op: string): string {
  channelsLast(call);
  const [ph, pw] = pair(call.config['poolSize']);
  const [sh, sw] = pair(call.config['strides'] ?? call.config['poolSize']);
  return call.graph.op(op, `${call.layer.name}/${op}`, [call.inputs[0]!], {
    ...T,
    ksize: { ints: [1, ph, pw, 1] },
    strides: { ints: [1, sh, sw, 1] },
    padding: { s: padding(call) },
    data_format: { s: 'NHWC' },
  });
}

/** The batch axis (null) as TensorFlow's Reshape wants it: −1. */
function reshapeTo(call: LayerCall, x: string, shape: (number | null)[], name: string): string {
  return call.graph.reshape(
    `${call.layer.name}/${name}`,
    x,
    shape.map((d) => d ?? -1),
  );
}

/**
 * TensorFlow's fused inference batch norm on the last axis; inputs of any rank go through it as
 * [-1, 1, 1, C], which is the same arithmetic per channel.
 */
function batchNorm(call: LayerCall): string {
  const rank = call.outputShape.length;
  const axis = call.config['axis'] as number;
  if (axis !== -1 && axis !== rank - 1) unsupported(call, `axis ${axis}`);
  const channels = call.outputShape[rank - 1]!;
  const vector = (name: string, fill: number) =>
    weight(call, name)
      ? constWeight(call, name)
      : call.graph.floats(
          `${call.layer.name}/${name}`,
          [channels],
          new Float32Array(channels).fill(fill),
        );
  const x =
    rank === 4 ? call.inputs[0]! : reshapeTo(call, call.inputs[0]!, [null, 1, 1, channels], 'to4d');
  const y = call.graph.op(
    'FusedBatchNormV3',
    `${call.layer.name}/FusedBatchNormV3`,
    [
      x,
      vector('gamma', 1),
      vector('beta', 0),
      constWeight(call, 'moving_mean'),
      constWeight(call, 'moving_variance'),
    ],
    {
      ...T,
      U: { type: DT_FLOAT },
      epsilon: { f: (call.config['epsilon'] as number | undefined) ?? 1e-3 },
      is_training: { b: false },
      data_format: { s: 'NHWC' },
    },
  );
  return rank === 4 ? y : reshapeTo(call, y, call.outputShape, 'back');
}

function concatenate(call: LayerCall): string {
  const axis = call.graph.scalarInt(
    `${call.layer.name}/axis`,
    (call.config['axis'] as number | undefined) ?? -1,
  );
  return call.graph.op('ConcatV2', `${call.layer.name}/ConcatV2`, [...call.inputs, `${axis}`], {
    ...T,
    N: { i: call.inputs.length },
    Tidx: { type: DT_INT32 },
  });
}

function reduce(call: LayerCall, op: string): string {
  channelsLast(call);
  const axes = call.graph.ints(`${call.layer.name}/axes`, [1, 2]);
  return call.graph.op(op, `${call.layer.name}/${op}`, [call.inputs[0]!, axes], {
    ...T,
    Tidx: { type: DT_INT32 },
    keep_dims: { b: call.config['keepDims'] === true },
  });
}

function dense(call: LayerCall): string {
  if (call.outputShape.length !== 2) unsupported(call, `a rank-${call.outputShape.length} input`);
  const y = call.graph.op(
    'MatMul',
    `${call.layer.name}/MatMul`,
    [call.inputs[0]!, constWeight(call, 'kernel')],
    {
      ...T,
      transpose_a: { b: false },
      transpose_b: { b: false },
    },
  );
  return withBiasAndActivation(call, y);
}

function relu(call: LayerCall): string {
  const max = call.config['maxValue'];
  if (max === 6) return call.graph.op('Relu6', `${call.layer.name}/Relu6`, [call.inputs[0]!], T);
  if (max === null || max === undefined) return activation(call, call.inputs[0]!, 'relu');
  return unsupported(call, `maxValue ${String(max)}`);
}

function zeroPadding(call: LayerCall): string {
  channelsLast(call);
  const p = call.config['padding'];
  const [rows, cols] = Array.isArray(p) ? [pair(p[0]), pair(p[1])] : [pair(p), pair(p)];
  const [top, bottom] = rows;
  const [left, right] = cols;
  const paddings = call.graph.constant(`${call.layer.name}/paddings`, {
    dtype: DT_INT32,
    shape: [4, 2],
    data: Int32Array.from([0, 0, top, bottom, left, right, 0, 0]),
  });
  return call.graph.op('Pad', `${call.layer.name}/Pad`, [call.inputs[0]!, paddings], {
    ...T,
    Tpaddings: { type: DT_INT32 },
  });
}

function rescaling(call: LayerCall): string {
  const scalar = (tag: string, value: number) =>
    call.graph.floats(`${call.layer.name}/${tag}`, [], Float32Array.of(value));
  const scaled = call.graph.op(
    'Mul',
    `${call.layer.name}/Mul`,
    [call.inputs[0]!, scalar('scale', call.config['scale'] as number)],
    T,
  );
  const offset = (call.config['offset'] as number | undefined) ?? 0;
  return offset === 0
    ? scaled
    : call.graph.op('AddV2', `${call.layer.name}/Add`, [scaled, scalar('offset', offset)], T);
}

const CONVERTERS: Record<string, (call: LayerCall) => string> = {
  Conv2D: (call) => convolution(call, 'Conv2D', 'kernel'),
  DepthwiseConv2D: (call) => convolution(call, 'DepthwiseConv2dNative', 'depthwise_kernel'),
  Dense: dense,
  BatchNormalization: batchNorm,
  Activation: (call) => activation(call, call.inputs[0]!, call.config['activation'] as string),
  ReLU: relu,
  LeakyReLU: (call) =>
    call.graph.op('LeakyRelu', `${call.layer.name}/LeakyRelu`, [call.inputs[0]!], {
      ...T,
      alpha: { f: (call.config['alpha'] as number | undefined) ?? 0.3 },
    }),
  MaxPooling2D: (call) => pool(call, 'MaxPool'),
  AveragePooling2D: (call) => pool(call, 'AvgPool'),
  GlobalAveragePooling2D: (call) => reduce(call, 'Mean'),
  GlobalMaxPooling2D: (call) => reduce(call, 'Max'),
  Concatenate: concatenate,
  Add: (call) =>
    call.graph.op('AddN', `${call.layer.name}/AddN`, call.inputs, {
      ...T,
      N: { i: call.inputs.length },
    }),
  Reshape: (call) => reshapeTo(call, call.inputs[0]!, call.outputShape, 'Reshape'),
  Flatten: (call) => reshapeTo(call, call.inputs[0]!, call.outputShape, 'Reshape'),
  ZeroPadding2D: zeroPadding,
  Rescaling: rescaling,
  // Inference: these are the identity.
  Dropout: (call) => call.inputs[0]!,
  SpatialDropout1D: (call) => call.inputs[0]!,
  SeededDropout: (call) => call.inputs[0]!,
  GaussianNoise: (call) => call.inputs[0]!,
  GaussianDropout: (call) => call.inputs[0]!,
};

/**
 * Adds `model`'s inference forward pass to `graph`, its weights as constants (read now), and
 * returns the graph names of its outputs. `inputs` names the graph tensors that feed the model's
 * inputs, in order. Walks the model's own call graph, so layers shared with other models (a
 * split's head re-applies the tail) are taken at this model's call of them.
 * Throws UnsupportedLayerError for layers or settings it does not know.
 */
export function addLayersModel(
  graph: GraphBuilder,
  model: tf.LayersModel,
  inputs: readonly string[],
): string[] {
  if (inputs.length !== model.inputs.length) {
    throw new Error(
      `model ${model.name} has ${model.inputs.length} inputs, ${inputs.length} given`,
    );
  }
  const names = new Map<number, string>(model.inputs.map((t, i) => [t.id, inputs[i]!]));
  const visit = (tensor: tf.SymbolicTensor): string => {
    const known = names.get(tensor.id);
    if (known !== undefined) return known;
    const layer = tensor.sourceLayer;
    const node = layer.inboundNodes[tensor.nodeIndex];
    if (!node || tensor.tensorIndex !== 0 || node.inputTensors.length === 0) {
      throw new UnsupportedLayerError(
        `layer ${layer.name} (${layer.getClassName()}) is not a single-output layer fed by the model's inputs`,
      );
    }
    const convert = CONVERTERS[layer.getClassName()];
    if (!convert)
      throw new UnsupportedLayerError(
        `layer ${layer.name}: ${layer.getClassName()} has no graph form`,
      );
    const call: LayerCall = {
      graph,
      layer,
      config: layer.getConfig() as Config,
      inputs: node.inputTensors.map(visit),
      outputShape: tensor.shape,
    };
    const name = convert(call);
    names.set(tensor.id, name);
    return name;
  };
  return model.outputs.map(visit);
}
