import { endianness } from 'node:os';

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range, then the
 * tensors' bytes packed back to back. Only the dtypes our pipelines store are supported.
 */

export type Dtype = 'F32' | 'I32' | 'U8';

export type Tensor =
  | { dtype: 'F32'; shape: readonly number[]; data: Float32Array }
  | { dtype: 'I32'; shape: readonly number[]; data: Int32Array }
  | { dtype: 'U8'; shape: readonly number[]; data: Uint8Array };

export type TensorMap = Record<string, Tensor>;

export interface DecodedSafetensors {
  tensors: TensorMap;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(`safetensors: ${message}`);
    this.name = 'SafetensorsError';
  }
}

const ELEMENT_SIZE: Record<Dtype, number> = { F32: 4, I32: 4, U8: 1 };
const METADATA_KEY = '__metadata__';
/** The Python implementation refuses larger headers too; a bigger one means a corrupt file. */
const MAX_HEADER_BYTES = 100_000_000;

// Typed arrays use the platform's byte order and the format is little-endian.
if (endianness() !== 'LE') throw new Error('safetensors.ts supports little-endian hosts only');

export function encodeSafetensors(
  tensors: TensorMap,
  metadata: Record<string, string> = {},
): Uint8Array {
  // Wider elements first, so every tensor starts at a multiple of its element size (the format
  // forbids gaps between tensors) and decoding can view it in place.
  const names = Object.keys(tensors).sort(
    (a, b) => ELEMENT_SIZE[tensorOf(tensors, b).dtype] - ELEMENT_SIZE[tensorOf(tensors, a).dtype],
  );
  const entries: [string, unknown][] = [];
  if (Object.keys(metadata).length > 0) entries.push([METADATA_KEY, checkedMetadata(metadata)]);
  let offset = 0;
  for (const name of names) {
    const tensor = tensorOf(tensors, name);
    checkTensor(name, tensor);
    const end = offset + tensor.data.byteLength;
    entries.push([
      name,
      { dtype: tensor.dtype, shape: [...tensor.shape], data_offsets: [offset, end] },
    ]);
    offset = end;
  }

  const json = new TextEncoder().encode(JSON.stringify(Object.fromEntries(entries)));
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength); // spaces pad the header to 8 bytes
  let position = 8 + headerLength;
  for (const name of names) {
    const { data } = tensorOf(tensors, name);
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}

/**
 * Decodes a safetensors file. Tensor data views `bytes` without copying wherever the element
 * alignment allows, so the views share memory with the input.
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.byteLength < 8) {
    throw new SafetensorsError(
      `truncated file: ${bytes.byteLength} bytes, less than the header length field`,
    );
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER_BYTES, bytes.byteLength - 8))) {
    throw new SafetensorsError(
      `truncated file or corrupt header length: the header claims ${headerLength} bytes, ` +
        `${bytes.byteLength - 8} follow the length field`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  const header = parseHeader(bytes.subarray(8, dataStart));
  const dataLength = bytes.byteLength - dataStart;

  const metadata = parseMetadata(header[METADATA_KEY]);
  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, info]) => parseTensorInfo(name, info));
  entries.sort((a, b) => a.begin - b.begin);

  const tensors: [string, Tensor][] = [];
  let expectedBegin = 0;
  for (const entry of entries) {
    if (entry.begin !== expectedBegin) {
      throw new SafetensorsError(
        `tensor "${entry.name}": data_offsets start at ${entry.begin}, expected ${expectedBegin} ` +
          '(tensors must be packed without gaps or overlaps)',
      );
    }
    if (entry.end > dataLength) {
      throw new SafetensorsError(
        `truncated file: tensor "${entry.name}" ends at byte ${entry.end} of the data section, ` +
          `which holds ${dataLength} bytes`,
      );
    }
    tensors.push([entry.name, view(bytes, dataStart + entry.begin, entry)]);
    expectedBegin = entry.end;
  }
  if (expectedBegin !== dataLength) {
    throw new SafetensorsError(
      `the data section holds ${dataLength} bytes but the tensors cover ${expectedBegin}`,
    );
  }
  // fromEntries defines own properties, so a tensor named "__proto__" stays a tensor.
  return { tensors: Object.fromEntries(tensors), metadata };
}

/** Number of elements a shape holds (1 for a scalar, shape []). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

function tensorOf(tensors: TensorMap, name: string): Tensor {
  const tensor = tensors[name];
  if (tensor === undefined) throw new SafetensorsError(`tensor "${name}" is undefined`);
  return tensor;
}

function checkTensor(name: string, tensor: Tensor): void {
  if (name === METADATA_KEY) throw new SafetensorsError(`"${METADATA_KEY}" cannot name a tensor`);
  if (!isDtype(tensor.dtype)) {
    throw new SafetensorsError(
      `tensor "${name}": unsupported dtype ${JSON.stringify(tensor.dtype)}`,
    );
  }
  const expectedType = { F32: Float32Array, I32: Int32Array, U8: Uint8Array }[tensor.dtype];
  if (!(tensor.data instanceof expectedType)) {
    throw new SafetensorsError(
      `tensor "${name}": dtype ${tensor.dtype} needs a ${expectedType.name}, got ${describe(tensor.data)}`,
    );
  }
  checkShape(name, tensor.shape);
  const count = elementCount(tensor.shape);
  if (count !== tensor.data.length) {
    throw new SafetensorsError(
      `tensor "${name}": shape [${tensor.shape.join(', ')}] holds ${count} elements, ` +
        `the data has ${tensor.data.length}`,
    );
  }
}

function checkShape(name: string, shape: unknown): asserts shape is number[] {
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new SafetensorsError(
      `tensor "${name}": shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
}

function checkedMetadata(metadata: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(`metadata "${key}" must be a string, got ${describe(value)}`);
    }
  }
  return metadata;
}

function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new SafetensorsError(`the header is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError(`the header must be a JSON object, got ${describe(header)}`);
  }
  return header as Record<string, unknown>;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsError(`${METADATA_KEY} must be an object, got ${describe(value)}`);
  }
  return checkedMetadata(value as Record<string, string>);
}

function parseTensorInfo(name: string, info: unknown): TensorInfo {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) {
    throw new SafetensorsError(
      `tensor "${name}": header entry must be an object, got ${describe(info)}`,
    );
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!isDtype(dtype)) {
    throw new SafetensorsError(
      `tensor "${name}": unsupported dtype ${JSON.stringify(dtype)} (supported: F32, I32, U8)`,
    );
  }
  checkShape(name, shape);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw new SafetensorsError(
      `tensor "${name}": data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const needed = elementCount(shape) * ELEMENT_SIZE[dtype];
  if (end - begin !== needed) {
    throw new SafetensorsError(
      `tensor "${name}": data_offsets [${begin}, ${end}] hold ${end - begin} bytes, ` +
        `shape [${shape.join(', ')}] of ${dtype} needs ${needed}`,
    );
  }
  return { name, dtype, shape, begin, end };
}

function view(bytes: Uint8Array, start: number, info: TensorInfo): Tensor {
  const { dtype, shape } = info;
  const byteOffset = bytes.byteOffset + start;
  const length = elementCount(shape);
  const byteLength = length * ELEMENT_SIZE[dtype];
  const aligned = byteOffset % ELEMENT_SIZE[dtype] === 0;
  // An unaligned range cannot back a typed array; copying it into a fresh buffer aligns it.
  const buffer = aligned ? bytes.buffer : bytes.slice(start, start + byteLength).buffer;
  const offset = aligned ? byteOffset : 0;
  switch (dtype) {
    case 'F32':
      return { dtype, shape, data: new Float32Array(buffer, offset, length) };
    case 'I32':
      return { dtype, shape, data: new Int32Array(buffer, offset, length) };
    case 'U8':
      return { dtype, shape, data: new Uint8Array(buffer, offset, length) };
  }
}

function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && Object.hasOwn(ELEMENT_SIZE, value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}
