/**
 * The few protocol-buffer encodings TensorFlow's GraphDef and SavedModel need (varints, 32-bit
 * floats, length-delimited fields), written directly: the product emits these messages and never
 * reads them, so a schema compiler and its runtime would be all cost.
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.size += bytes.length;
    return this;
  }

  private varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
    return this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: 0 | 2 | 5): this {
    return this.varint((field << 3) | wireType);
  }

  /**
   * int32, int64, bool and enum fields. Proto3 leaves out zero values, except in a `oneof`, where
   * presence is the value's kind: `inOneof` writes a zero too.
   */
  int(field: number, value: number | boolean, inOneof = false): this {
    const v = typeof value === 'boolean' ? Number(value) : value;
    return v === 0 && !inOneof ? this : this.tag(field, 0).varint(v);
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).push(bytes);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, 2).varint(value.length).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message, written even when empty (its presence can matter). */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated varint field (proto3's encoding for repeated scalars). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** A `map<string, V>` field: one entry message per key, key = 1 and value = 2. */
  map<V>(
    field: number,
    entries: Iterable<[string, V]>,
    write: (w: ProtoWriter, v: V) => void,
  ): this {
    for (const [key, value] of entries) {
      this.message(field, (e) => e.string(1, key).message(2, (w) => write(w, value)));
    }
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
