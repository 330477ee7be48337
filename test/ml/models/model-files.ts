import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a model as tensorflowjs_converter lays it out (model.json + `group1-shard1of1`), since
 * tfjs without tfjs-node has no file:// save handler. Returns the files it wrote.
 */
export async function writeModelFiles(
  artifacts: {
    modelTopology: object;
    weightSpecs: tf.io.WeightsManifestEntry[];
    weightData: ArrayBuffer;
  },
  folder: string,
): Promise<{ modelJson: string; shard: string }> {
  await mkdir(folder, { recursive: true });
  const modelJson = join(folder, 'model.json');
  const shard = join(folder, 'group1-shard1of1');
  await writeFile(
    modelJson,
    JSON.stringify({
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['group1-shard1of1'], weights: artifacts.weightSpecs }],
    }),
  );
  await writeFile(shard, new Uint8Array(artifacts.weightData));
  return { modelJson, shard };
}

export async function saveLayersModelFiles(
  model: tf.LayersModel,
  folder: string,
): Promise<{ modelJson: string; shard: string }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return writeModelFiles(
    {
      modelTopology: saved!.modelTopology as object,
      weightSpecs: saved!.weightSpecs!,
      weightData: saved!.weightData as ArrayBuffer,
    },
    folder,
  );
}

/**
 * A hand-written TF GraphDef shaped like a TF Hub classifier: `images` [B,2] → MatMul with a
 * [2, numClasses+1] constant whose column 0 is the background class.
 */
export async function writeHubLikeGraphModel(
  folder: string,
  weights: Float32Array,
  numClasses: number,
): Promise<void> {
  const dim = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });
  const modelTopology = {
    node: [
      {
        name: 'images',
        op: 'Placeholder',
        attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim(-1, 2) } },
      },
      {
        name: 'w',
        op: 'Const',
        attr: {
          dtype: { type: 'DT_FLOAT' },
          value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(2, numClasses + 1) } },
        },
      },
      {
        name: 'logits',
        op: 'MatMul',
        input: ['images', 'w'],
        attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } },
      },
    ],
    versions: { producer: 1 },
  };
  await writeModelFiles(
    {
      modelTopology,
      weightSpecs: [{ name: 'w', shape: [2, numClasses + 1], dtype: 'float32' }],
      weightData: weights.slice().buffer,
    },
    folder,
  );
}
