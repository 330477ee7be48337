import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../native/use-backend.js';

describe('tfjs-node Reshape to an unchanged shape shares the data (ml/training/native-reshape.ts)', function () {
  before(async function () {
    await useBackend(this, 'tensorflow');
  });

  it('an unchanged shape (also spelled with -1) shares data that outlives the original', function () {
    const buffersBefore = tf.memory().numDataBuffers;
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const same = tf.reshape(x, [2, 3]);
    const inferred = tf.reshape(x, [-1, 3]);
    assert.equal(
      tf.memory().numDataBuffers,
      buffersBefore + 1,
      'no new buffer for an unchanged shape',
    );
    x.dispose();
    assert.deepEqual(same.shape, [2, 3]);
    assert.deepEqual(Array.from(same.dataSync()), [1, 2, 3, 4, 5, 6]);
    const sum = tf.add(inferred, same);
    assert.deepEqual(Array.from(sum.dataSync()), [2, 4, 6, 8, 10, 12]);
    tf.dispose([same, inferred, sum]);
    assert.equal(tf.memory().numDataBuffers, buffersBefore, 'freed with its last reference');
  });

  it('a changed shape still runs TensorFlow reshape: ops see the new shape', function () {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.reshape(x, [3, 2]);
    assert.deepEqual(y.shape, [3, 2]);
    assert.deepEqual(Array.from(tf.sum(y, 1).dataSync()), [3, 7, 11]);
    assert.deepEqual(tf.reshape(x, [1, 6]).shape, [1, 6]);
    tf.dispose([x, y]);
  });

  it('gradients through unchanged-shape reshapes are right (d/dx Σ (2x)² = 8x)', function () {
    const x = tf.tensor1d([1, -2, 3]);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.mul(tf.reshape(v, [3]), 2))))(x);
    assert.deepEqual(Array.from(grad.dataSync()), [8, -16, 24]);
    tf.dispose([x, grad]);
  });
});
