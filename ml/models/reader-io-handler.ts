import * as tf from '@tensorflow/tfjs';
import { ModelLoadError } from './model-load-error.js';
import type { ModelFileReader } from './model-file-reader.js';

export type ModelFormat = 'layers' | 'graph';

const BYTES_PER_DTYPE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  string: 0,
};

function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  return count * (BYTES_PER_DTYPE[spec.quantization?.dtype ?? spec.dtype] ?? 0);
}

/** Which loader a model.json is for: graph models carry a GraphDef (`node`), layers models a Keras config. */
export function modelFormatOf(modelJson: tf.io.ModelJSON): ModelFormat | undefined {
  const topology = modelJson.modelTopology as Record<string, unknown> | undefined;
  if (!topology || typeof topology !== 'object') return undefined;
  if ('node' in topology) return 'graph';
  if ('model_config' in topology || 'class_name' in topology) return 'layers';
  return undefined;
}

/**
 * Reads model.json and every shard it lists through `reader`, checking that the shards hold as
 * many bytes as the weight specs need (tfjs would otherwise fail later with an opaque message).
 */
export async function readModelArtifacts(
  reader: ModelFileReader,
): Promise<{ format: ModelFormat; artifacts: tf.io.ModelArtifacts }> {
  const text = new TextDecoder().decode(await reader.read(reader.modelJsonName));
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(text) as tf.io.ModelJSON;
  } catch (err) {
    throw new ModelLoadError(
      reader.uri,
      `model.json is not valid JSON (${(err as Error).message})`,
    );
  }
  const format = modelFormatOf(modelJson);
  if (!format) {
    throw new ModelLoadError(reader.uri, 'model.json has no layers or graph modelTopology');
  }
  if (!Array.isArray(modelJson.weightsManifest)) {
    throw new ModelLoadError(reader.uri, 'model.json has no weightsManifest');
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = tf.io.getWeightSpecs(manifest);
    const shards: Uint8Array[] = [];
    for (const group of manifest) {
      for (const path of group.paths) shards.push(await reader.read(path));
    }
    const got = shards.reduce((sum, s) => sum + s.byteLength, 0);
    const need = specs.reduce((sum, s) => sum + specBytes(s), 0);
    if (got !== need) {
      throw new ModelLoadError(
        reader.uri,
        `weight shards hold ${got} bytes but the weight specs need ${need}`,
      );
    }
    const data = new Uint8Array(got);
    let offset = 0;
    for (const shard of shards) {
      data.set(shard, offset);
      offset += shard.byteLength;
    }
    return [specs, data.buffer];
  });
  return { format, artifacts };
}

/** An IOHandler serving artifacts already read, so the format can be checked before tfjs parses them. */
export function artifactsIOHandler(artifacts: tf.io.ModelArtifacts): tf.io.IOHandler {
  return { load: async () => artifacts };
}
