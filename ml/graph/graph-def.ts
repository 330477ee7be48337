import { ProtoWriter } from './protobuf-writer.js';

/** TensorFlow's DataType enum values (types.proto) for the dtypes the product's graphs use. */
export const DT_FLOAT = 1;
export const DT_INT32 = 3;
export type GraphDType = typeof DT_FLOAT | typeof DT_INT32;

/** The `T` attribute of an op on float32 tensors, which nearly every op here is. */
export const FLOAT_T = { T: { type: DT_FLOAT } } as const;

/** A constant's value: raw little-endian elements, as TensorProto's `tensor_content`. */
export interface ConstValue {
  dtype: GraphDType;
  shape: readonly number[];
  data: Float32Array | Int32Array;
}

/** An op attribute (attr_value.proto), one of its kinds. */
export type Attr =
  | { s: string }
  | { i: number }
  | { f: number }
  | { b: boolean }
  | { type: number }
  | { shape: readonly number[] }
  | { tensor: ConstValue }
  | { ints: readonly number[] };

interface NodeDef {
  name: string;
  op: string;
  inputs: string[];
  attrs: Record<string, Attr>;
}

/**
 * GraphDef producer version the graphs claim. TensorFlow checks it against the ops' deprecation
 * versions; any version at or below the pinned TensorFlow's (2.16: 1766) with our ops is fine.
 */
const PRODUCER = 1286;

function writeShape(w: ProtoWriter, dims: readonly number[]): void {
  for (const size of dims) w.message(2, (d) => d.int(1, size));
}

function writeTensor(w: ProtoWriter, value: ConstValue): void {
  w.int(1, value.dtype).message(2, (s) => writeShape(s, value.shape));
  const { buffer, byteOffset, byteLength } = value.data;
  w.bytes(4, new Uint8Array(buffer, byteOffset, byteLength));
}

function writeAttr(w: ProtoWriter, attr: Attr): void {
  if ('s' in attr) w.string(2, attr.s);
  else if ('i' in attr) w.int(3, attr.i, true);
  else if ('f' in attr) w.float(4, attr.f);
  else if ('b' in attr) w.int(5, attr.b, true);
  else if ('type' in attr) w.int(6, attr.type);
  else if ('shape' in attr) w.message(7, (s) => writeShape(s, attr.shape));
  else if ('tensor' in attr) w.message(8, (t) => writeTensor(t, attr.tensor));
  else w.message(1, (list) => list.packedInts(3, attr.ints));
}

/**
 * Builds a TensorFlow GraphDef node by node. Each method returns the name of the node's first
 * output, which is how later nodes name their inputs (`name:k` for output k).
 */
export class GraphBuilder {
  private readonly nodes: NodeDef[] = [];
  private readonly used = new Set<string>();

  private unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./-]/g, '_').replace(/^[^A-Za-z0-9.]/, 'n');
    let name = clean;
    for (let k = 1; this.used.has(name); k++) name = `${clean}_${k}`;
    this.used.add(name);
    return name;
  }

  op(op: string, name: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    const unique = this.unique(name);
    this.nodes.push({ name: unique, op, inputs, attrs });
    return unique;
  }

  placeholder(name: string, shape: readonly number[]): string {
    return this.op('Placeholder', name, [], { dtype: { type: DT_FLOAT }, shape: { shape } });
  }

  constant(name: string, value: ConstValue): string {
    return this.op('Const', name, [], { dtype: { type: value.dtype }, value: { tensor: value } });
  }

  floats(name: string, shape: readonly number[], data: Float32Array): string {
    return this.constant(name, { dtype: DT_FLOAT, shape, data });
  }

  scalarInt(name: string, value: number): string {
    return this.constant(name, { dtype: DT_INT32, shape: [], data: Int32Array.of(value) });
  }

  ints(name: string, values: readonly number[]): string {
    return this.constant(name, {
      dtype: DT_INT32,
      shape: [values.length],
      data: Int32Array.from(values),
    });
  }

  /** `x` reshaped to `dims` (−1 for the one axis TensorFlow infers, e.g. the batch). */
  reshape(name: string, x: string, dims: readonly number[]): string {
    return this.op('Reshape', name, [x, this.ints(`${name}/shape`, dims)], {
      ...FLOAT_T,
      Tshape: { type: DT_INT32 },
    });
  }

  /** The GraphDef message (graph.proto). */
  write(w: ProtoWriter): void {
    for (const node of this.nodes) {
      w.message(1, (n) => {
        n.string(1, node.name).string(2, node.op);
        for (const input of node.inputs) n.string(3, input);
        n.map(5, Object.entries(node.attrs), writeAttr);
      });
    }
    w.message(4, (v) => v.int(1, PRODUCER));
  }
}
