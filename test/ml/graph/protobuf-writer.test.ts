import assert from 'node:assert/strict';
import { ProtoWriter } from '../../../ml/graph/protobuf-writer.js';

const hex = (w: ProtoWriter) => Buffer.from(w.finish()).toString('hex');

describe('ProtoWriter (the protobuf encodings of GraphDef and SavedModel)', () => {
  it('writes varint fields as protobuf does (field 1 = 150 → 08 96 01)', () => {
    assert.equal(hex(new ProtoWriter().int(1, 150)), '089601');
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    assert.equal(hex(new ProtoWriter().int(1, -1)), '08ffffffffffffffffff01');
  });

  it('leaves out a zero scalar, except in a oneof where the zero is the value', () => {
    assert.equal(hex(new ProtoWriter().int(3, 0)), '');
    assert.equal(hex(new ProtoWriter().int(3, 0, true)), '1800');
    assert.equal(hex(new ProtoWriter().int(5, false, true)), '2800');
  });

  it('writes strings, floats, packed ints and nested messages length-delimited', () => {
    assert.equal(hex(new ProtoWriter().string(2, 'testing')), '120774657374696e67');
    assert.equal(hex(new ProtoWriter().float(4, 1)), '250000803f');
    assert.equal(hex(new ProtoWriter().packedInts(3, [1, 2, 300])), '1a040102ac02');
    assert.equal(hex(new ProtoWriter().message(7, (m) => m.int(1, 1))), '3a020801');
    assert.equal(hex(new ProtoWriter().message(7, () => undefined)), '3a00');
  });

  it('writes map entries as messages with key 1 and value 2', () => {
    const w = new ProtoWriter().map(5, [['k', 3]], (v, n) => v.int(3, n, true));
    // 2a (field 5) len 07: 0a 01 'k' (key) 12 02 18 03 (value: AttrValue i = 3)
    assert.equal(hex(w), '2a070a016b12021803');
  });
});
