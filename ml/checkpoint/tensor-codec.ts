import * as tf from '@tensorflow/tfjs';
import type { Tensor as StoredTensor, TensorMap } from '../../store/safetensors.js';

/** tfjs tensors → safetensors entries (float32 → F32, int32 → I32), copying the data out. */
export async function toStoredTensors(tensors: Record<string, tf.Tensor>): Promise<TensorMap> {
  const out: TensorMap = {};
  for (const [name, t] of Object.entries(tensors)) {
    const shape = [...t.shape];
    if (t.dtype === 'float32')
      out[name] = { dtype: 'F32', shape, data: (await t.data()) as Float32Array };
    else if (t.dtype === 'int32')
      out[name] = { dtype: 'I32', shape, data: (await t.data()) as Int32Array };
    else throw new Error(`tensor ${name}: dtype ${t.dtype} has no safetensors mapping here`);
  }
  return out;
}

/** One safetensors entry as a tfjs tensor (the caller disposes it). */
export function fromStoredTensor(name: string, stored: StoredTensor): tf.Tensor {
  switch (stored.dtype) {
    case 'F32':
      return tf.tensor(stored.data, [...stored.shape], 'float32');
    case 'I32':
      return tf.tensor(stored.data, [...stored.shape], 'int32');
    default:
      throw new Error(`tensor ${name}: dtype ${stored.dtype} is not a training-state dtype`);
  }
}
