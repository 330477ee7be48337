import * as tf from '@tensorflow/tfjs';
import { decodeForModel, type RgbImage } from './decode-image.js';
import { ImageDecodeError, type ImageFailure } from './image-failure.js';
import type { ImagePipelineOptions } from './image-options.js';
import { preprocessInto } from './preprocess.js';
import type { ReadSource } from './read-source.js';

export interface ImageSource {
  id: string;
  uri: string;
}

export interface ImageBatch {
  /** Ids of the images in `images`, in batch order (failed images are left out). */
  ids: string[];
  /** Where each image of `images` was in the sources given. */
  positions: number[];
  /** [B, size, size, 3] float32, preprocessed; absent when every image failed. */
  images: tf.Tensor4D | undefined;
  failures: ImageFailure[];
}

async function decodeOne(
  source: ImageSource,
  options: ImagePipelineOptions,
  read: ReadSource,
): Promise<RgbImage | ImageFailure> {
  let bytes: Uint8Array;
  try {
    bytes = await read(source.uri);
  } catch (err) {
    return { ...source, code: 'unreadable', reason: (err as Error).message };
  }
  try {
    return await decodeForModel(bytes, options);
  } catch (err) {
    if (err instanceof ImageDecodeError) return { ...source, code: err.code, reason: err.message };
    return { ...source, code: 'corrupt', reason: (err as Error).message };
  }
}

/**
 * Reads, decodes and preprocesses a batch of images (decoding in parallel on sharp's thread
 * pool). A file that cannot be used is reported in `failures` and the rest of the batch goes on.
 */
export async function loadImageBatch(
  sources: readonly ImageSource[],
  options: ImagePipelineOptions,
  read: ReadSource,
): Promise<ImageBatch> {
  const decoded = await Promise.all(sources.map((s) => decodeOne(s, options, read)));
  const ids: string[] = [];
  const positions: number[] = [];
  const images: RgbImage[] = [];
  const failures: ImageFailure[] = [];
  decoded.forEach((result, i) => {
    if ('code' in result) failures.push(result);
    else {
      ids.push(sources[i]!.id);
      positions.push(i);
      images.push(result);
    }
  });
  if (images.length === 0) return { ids, positions, images: undefined, failures };
  const pixels = options.size * options.size * 3;
  const buffer = new Float32Array(images.length * pixels);
  images.forEach((image, i) =>
    preprocessInto(image.data, options.preprocessing, buffer, i * pixels),
  );
  const tensor = tf.tensor4d(buffer, [images.length, options.size, options.size, 3], 'float32');
  return { ids, positions, images: tensor, failures };
}
