import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../ml/backend.js';
import { Rng } from '../../../ml/rng.js';
import { useFastWasmTransposedMatMul } from '../../../ml/training/wasm-matmul.js';

describe('wasm matMul with transposeA', () => {
  before(async () => selectBackend('wasm', () => {}));

  it('gives the products of an explicit transpose, for plain and batched shapes', () => {
    useFastWasmTransposedMatMul();
    useFastWasmTransposedMatMul(); // idempotent
    const rng = Rng.fromSeed(2);
    for (const [aShape, bShape, bT] of [
      [[7, 5], [7, 3], false],
      [[2, 7, 5], [2, 3, 7], true],
    ] as [number[], number[], boolean][]) {
      const size = (s: number[]) => s.reduce((p, x) => p * x, 1);
      const a = tf.tensor(
        rng.fill(size(aShape), () => rng.normal()),
        aShape,
      );
      const b = tf.tensor(
        rng.fill(size(bShape), () => rng.normal()),
        bShape,
      );
      const before = tf.memory().numTensors;
      const fast = tf.matMul(a, b, true, bT);
      assert.equal(tf.memory().numTensors, before + 1, 'the transposed copy is released');
      const perm = aShape.map((_, i) => i);
      perm.splice(-2, 2, aShape.length - 1, aShape.length - 2);
      const explicit = tf.matMul(tf.transpose(a, perm), b, false, bT);
      assert.deepEqual(fast.shape, explicit.shape);
      assert.deepEqual(fast.dataSync(), explicit.dataSync());
      tf.dispose([a, b, fast, explicit]);
    }
  });
});
