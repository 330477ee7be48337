import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  decodeSafetensors,
  encodeSafetensors,
  SafetensorsError,
  type TensorMap,
} from '../../store/safetensors.js';

const PYTHON = resolve('.tools/py/bin/python');

function sampleTensors(): TensorMap {
  return {
    weights: {
      dtype: 'F32',
      shape: [2, 3],
      data: Float32Array.from([0.5, -1.25, 3.1415927, 1e-30, -0, 65504.5]),
    },
    labels: { dtype: 'I32', shape: [4], data: Int32Array.from([0, -1, 2147483647, -2147483648]) },
    pixels: { dtype: 'U8', shape: [1, 3, 1], data: Uint8Array.from([0, 128, 255]) },
    odd_bytes: { dtype: 'U8', shape: [5], data: Uint8Array.from([1, 2, 3, 4, 5]) },
    scalar: { dtype: 'F32', shape: [], data: Float32Array.from([42.5]) },
    empty: { dtype: 'I32', shape: [3, 0], data: new Int32Array(0) },
  };
}

/** A file with a hand-written header, for malformed inputs the encoder would refuse to make. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(
    typeof header === 'string' ? header : JSON.stringify(header),
  );
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

function assertSameTensors(actual: TensorMap, expected: TensorMap): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [name, tensor] of Object.entries(expected)) {
    const got = actual[name] ?? assert.fail(`tensor ${name} is missing`);
    assert.equal(got.dtype, tensor.dtype, name);
    assert.deepEqual([...got.shape], [...tensor.shape], name);
    assert.equal(got.data.constructor, tensor.data.constructor, name);
    assert.deepEqual(Array.from(got.data), Array.from(tensor.data), name);
  }
}

describe('safetensors', function () {
  describe('round trip', function () {
    it('keeps F32, I32 and U8 tensors, scalars, empty tensors and metadata', function () {
      const tensors = sampleTensors();
      const metadata = { format: 'pt', note: 'ünïcode ✓', empty: '' };
      const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
      assertSameTensors(decoded.tensors, tensors);
      assert.deepEqual(decoded.metadata, metadata);
      assert.ok(Object.is(decoded.tensors.weights?.data[4], -0), '-0 survives as -0');
    });

    it('gives empty metadata when none was written, and an empty file for no tensors', function () {
      const decoded = decodeSafetensors(encodeSafetensors({}));
      assert.deepEqual(decoded, { tensors: {}, metadata: {} });
    });

    it('pads the header with spaces to a multiple of 8 bytes', function () {
      for (const name of ['a', 'ab', 'abc', 'abcd', 'abcde']) {
        const bytes = encodeSafetensors({ [name]: sampleTensors().pixels! });
        const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
        assert.equal((8 + length) % 8, 0, name);
        const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
        assert.match(header, /^\{.*\} *$/);
        assert.doesNotThrow(() => JSON.parse(header));
      }
    });

    it('views tensor data in place when aligned, and copies when not', function () {
      const bytes = encodeSafetensors(sampleTensors());
      const inPlace = decodeSafetensors(bytes).tensors;
      for (const [name, tensor] of Object.entries(inPlace)) {
        assert.equal(tensor.data.buffer, bytes.buffer, `${name} should share the input buffer`);
      }

      const shifted = new Uint8Array(bytes.byteLength + 1);
      shifted.set(bytes, 1);
      const unaligned = shifted.subarray(1);
      const copied = decodeSafetensors(unaligned).tensors;
      assertSameTensors(copied, sampleTensors());
      assert.notEqual(
        copied.weights?.data.buffer,
        shifted.buffer,
        'F32 at an odd offset is copied',
      );
      assert.equal(copied.pixels?.data.buffer, shifted.buffer, 'U8 needs no alignment');
    });

    it('places wider elements first so that every tensor stays aligned', function () {
      const bytes = encodeSafetensors({
        a_bytes: { dtype: 'U8', shape: [3], data: Uint8Array.from([1, 2, 3]) },
        b_floats: { dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) },
      });
      const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<
        string,
        { data_offsets: number[] }
      >;
      assert.deepEqual(header.b_floats?.data_offsets, [0, 8]);
      assert.deepEqual(header.a_bytes?.data_offsets, [8, 11]);
    });
  });

  describe('encoding errors', function () {
    const cases: [string, TensorMap, RegExp][] = [
      [
        'a typed array of the wrong kind',
        { t: { dtype: 'I32', shape: [1], data: Float32Array.from([1]) as never } },
        /tensor "t": dtype I32 needs a Int32Array, got Float32Array/,
      ],
      [
        'a shape that does not match the data',
        { t: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } },
        /tensor "t": shape \[2, 2\] holds 4 elements, the data has 3/,
      ],
      [
        'a negative dimension',
        { t: { dtype: 'U8', shape: [-1], data: new Uint8Array(0) } },
        /tensor "t": shape must be an array of non-negative integers/,
      ],
      [
        'an unknown dtype',
        { t: { dtype: 'F64', shape: [1], data: new Float64Array(1) } as never },
        /tensor "t": unsupported dtype "F64"/,
      ],
    ];
    for (const [what, tensors, message] of cases) {
      it(`rejects ${what}`, function () {
        assert.throws(
          () => encodeSafetensors(tensors),
          (error: unknown) => {
            assert.ok(error instanceof SafetensorsError);
            assert.match(error.message, message);
            return true;
          },
        );
      });
    }

    it('rejects non-string metadata values', function () {
      assert.throws(
        () => encodeSafetensors({}, { step: 3 as unknown as string }),
        /metadata "step" must be a string, got number/,
      );
    });
  });

  describe('decoding errors', function () {
    const four = new Uint8Array(4);
    const tensor = (info: object) => ({
      t: { dtype: 'F32', shape: [1], data_offsets: [0, 4], ...info },
    });
    const cases: [string, () => Uint8Array, RegExp][] = [
      ['a file shorter than the length field', () => new Uint8Array(5), /truncated file: 5 bytes/],
      [
        'a header length past the end',
        () => craft(tensor({}), four).subarray(0, 20),
        /truncated file or corrupt header length: the header claims \d+ bytes, 12 follow/,
      ],
      [
        'tensor data cut short',
        () => craft(tensor({}), four).subarray(0, craft(tensor({}), four).byteLength - 1),
        /truncated file: tensor "t" ends at byte 4 of the data section, which holds 3 bytes/,
      ],
      ['a header that is not JSON', () => craft('{"t": '), /the header is not valid UTF-8 JSON/],
      [
        'a header that is an array',
        () => craft([1, 2]),
        /the header must be a JSON object, got an array/,
      ],
      [
        'an unknown dtype',
        () => craft(tensor({ dtype: 'BF16', data_offsets: [0, 2] }), new Uint8Array(2)),
        /tensor "t": unsupported dtype "BF16" \(supported: F32, I32, U8\)/,
      ],
      [
        'a shape that disagrees with the offsets',
        () => craft(tensor({ shape: [2] }), four),
        /tensor "t": data_offsets \[0, 4\] hold 4 bytes, shape \[2\] of F32 needs 8/,
      ],
      [
        'a non-integer shape',
        () => craft(tensor({ shape: [1.5] }), four),
        /tensor "t": shape must be an array of non-negative integers, got \[1.5\]/,
      ],
      [
        'reversed offsets',
        () => craft(tensor({ data_offsets: [4, 0] }), four),
        /tensor "t": data_offsets must be \[begin, end\] with 0 <= begin <= end, got \[4,0\]/,
      ],
      [
        'missing offsets',
        () => craft({ t: { dtype: 'U8', shape: [0] } }),
        /tensor "t": data_offsets must be \[begin, end\]/,
      ],
      [
        'a gap between tensors',
        () =>
          craft(
            {
              a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
              b: { dtype: 'U8', shape: [1], data_offsets: [2, 3] },
            },
            new Uint8Array(3),
          ),
        /tensor "b": data_offsets start at 2, expected 1/,
      ],
      [
        'overlapping tensors',
        () =>
          craft(
            {
              a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
              b: { dtype: 'U8', shape: [2], data_offsets: [1, 3] },
            },
            new Uint8Array(3),
          ),
        /tensor "b": data_offsets start at 1, expected 2/,
      ],
      [
        'bytes after the last tensor',
        () => craft(tensor({}), new Uint8Array(6)),
        /the data section holds 6 bytes but the tensors cover 4/,
      ],
      [
        'non-string metadata',
        () => craft({ __metadata__: { epoch: 3 } }),
        /metadata "epoch" must be a string, got number/,
      ],
      [
        'a tensor entry that is not an object',
        () => craft({ t: 'F32' }),
        /tensor "t": header entry must be an object, got string/,
      ],
    ];
    for (const [what, make, message] of cases) {
      it(`names the problem for ${what}`, function () {
        assert.throws(
          () => decodeSafetensors(make()),
          (error: unknown) => {
            assert.ok(error instanceof SafetensorsError, String(error));
            assert.match(error.message, message);
            return true;
          },
        );
      });
    }
  });

  describe('interoperability with the Python safetensors package', function () {
    let dir: string;

    before(async function () {
      if (!existsSync(PYTHON)) {
        console.log(`    (skipped: no Python interpreter at ${PYTHON}; run infra/setup.sh)`);
        this.skip();
      }
      dir = await mkdtemp(join(tmpdir(), 'sfe-safetensors-'));
    });

    after(async function () {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    async function python(script: string, ...args: string[]): Promise<unknown> {
      const { stdout } = await promisify(execFile)(PYTHON, ['-c', script, ...args]);
      return JSON.parse(stdout);
    }

    it('Python reads the tensors and metadata we write', async function () {
      const tensors = sampleTensors();
      const metadata = { producer: 'sfe', created: '2026-11-25' };
      const file = join(dir, 'ours.safetensors');
      await writeFile(file, encodeSafetensors(tensors, metadata));

      const seen = (await python(
        `
import json, sys
from safetensors import safe_open
out = {}
with safe_open(sys.argv[1], framework="numpy") as f:
    out["__metadata__"] = f.metadata()
    for name in f.keys():
        t = f.get_tensor(name)
        out[name] = {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.ravel().tolist()}
print(json.dumps(out))
`,
        file,
      )) as Record<string, unknown>;

      assert.deepEqual(seen.__metadata__, metadata);
      const numpyDtype = { F32: 'float32', I32: 'int32', U8: 'uint8' };
      for (const [name, tensor] of Object.entries(tensors)) {
        assert.deepEqual(
          seen[name],
          {
            dtype: numpyDtype[tensor.dtype],
            shape: [...tensor.shape],
            values: Array.from(tensor.data),
          },
          name,
        );
      }
    });

    it('we read the tensors and metadata Python writes', async function () {
      const file = join(dir, 'theirs.safetensors');
      const written = (await python(
        `
import json, sys
import numpy as np
from safetensors.numpy import save_file
tensors = {
    "embedding": (np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7 - 1),
    "index": np.array([[3, -7], [2**31 - 1, -2**31]], dtype=np.int32),
    "mask": np.array([0, 1, 254, 255, 7], dtype=np.uint8),
    "temperature": np.array(0.125, dtype=np.float32),
    "nothing": np.zeros((0, 5), dtype=np.float32),
}
save_file(tensors, sys.argv[1], metadata={"framework": "numpy", "epoch": "12"})
print(json.dumps({name: {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.ravel().tolist()}
                  for name, t in tensors.items()}))
`,
        file,
      )) as Record<string, { dtype: string; shape: number[]; values: number[] }>;

      const decoded = decodeSafetensors(new Uint8Array(await readFile(file)));
      assert.deepEqual(decoded.metadata, { framework: 'numpy', epoch: '12' });
      const ourDtype: Record<string, string> = { float32: 'F32', int32: 'I32', uint8: 'U8' };
      assert.deepEqual(Object.keys(decoded.tensors).sort(), Object.keys(written).sort());
      for (const [name, expected] of Object.entries(written)) {
        const tensor = decoded.tensors[name] ?? assert.fail(name);
        assert.equal(tensor.dtype, ourDtype[expected.dtype], name);
        assert.deepEqual([...tensor.shape], expected.shape, name);
        assert.deepEqual(Array.from(tensor.data), expected.values, name);
      }
    });
  });
});
