import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { describeActiveBackend, formatBackendInfo } from '../../../ml/backend-info.js';
import { selectBackend } from '../../../ml/backend.js';
import { useBackend } from './use-backend.js';

describe('native TensorFlow backend (tfjs-node built against the pinned wheel)', function () {
  before(async function () {
    await useBackend(this, 'tensorflow');
  });

  it('is what auto picks here, and names its TensorFlow version, devices and threads', async () => {
    const lines: string[] = [];
    const choice = await selectBackend('auto', (line) => lines.push(line));
    assert.equal(choice.active, 'tensorflow');
    assert.match(choice.info.tensorflow ?? '', /^2\.16\./);
    assert.deepEqual(choice.info.devices, ['CPU']);
    assert.ok(choice.info.threads >= 1);
    assert.match(
      lines[0]!,
      /^\[sfe\] tfjs backend: tensorflow \(TensorFlow 2\.16\.\d+; CPU; \d+ threads?\), skipped tensorflow-gpu$/,
    );
    assert.equal(formatBackendInfo(await describeActiveBackend()), formatBackendInfo(choice.info));
  });

  // TensorFlow >= 2.17 returns 0 for Round on int32 tensors (its raw op too): this catches a bump
  // of the pinned wheel into the broken versions.
  it('rounds int32 tensors to themselves and floats half to even, as the cpu backend does', async () => {
    const ints = [-7, -1, 0, 1, 2, 3, 255, 2147483647];
    const floats = [-2.5, -1.5, -0.5, 0.4, 0.5, 1.5, 2.5, 3.49];
    const onNative = {
      ints: tf.round(tf.tensor1d(ints, 'int32')).arraySync(),
      floats: tf.round(tf.tensor1d(floats)).arraySync(),
    };
    await selectBackend('cpu', () => {});
    const onCpu = {
      ints: tf.round(tf.tensor1d(ints, 'int32')).arraySync(),
      floats: tf.round(tf.tensor1d(floats)).arraySync(),
    };
    assert.deepEqual(onNative.ints, ints);
    // -0.5 rounds to -0 on TensorFlow and to +0 in JS; both are zero.
    const plusZero = (xs: number[]) => xs.map((x) => x + 0);
    assert.deepEqual(plusZero(onNative.floats), plusZero(onCpu.floats));
    assert.deepEqual(onNative.ints, onCpu.ints);
  });

  it('computes convolution gradients itself (no detour to the cpu backend)', async () => {
    await selectBackend('tensorflow', () => {});
    for (const kernel of [
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'MaxPoolGrad',
      'AvgPoolGrad',
    ]) {
      assert.ok(tf.getKernel(kernel, 'tensorflow'), `${kernel} is registered for tensorflow`);
    }
  });
});
