import * as tf from '@tensorflow/tfjs';
import { queueDecodeForModel, type RgbImage } from './decode-image.js';
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

function failureOf(source: ImageSource, err: unknown): ImageFailure {
  if (err instanceof ImageDecodeError) return { ...source, code: err.code, reason: err.message };
  return { ...source, code: 'corrupt', reason: (err as Error).message };
}

/** Reads an image and queues its decode; `outcome` never rejects: a failure is its value. */
async function queueOne(
  source: ImageSource,
  options: ImagePipelineOptions,
  read: ReadSource,
): Promise<{ outcome: Promise<RgbImage | ImageFailure> }> {
  let bytes: Uint8Array;
  try {
    bytes = await read(source.uri);
  } catch (err) {
    const failure: ImageFailure = { ...source, code: 'unreadable', reason: (err as Error).message };
    return { outcome: Promise.resolve(failure) };
  }
  try {
    const { pixels } = await queueDecodeForModel(bytes, options);
    return { outcome: pixels.catch((err: unknown) => failureOf(source, err)) };
  } catch (err) {
    return { outcome: Promise.resolve(failureOf(source, err)) };
  }
}

/** A batch whose files are read and whose decodes are queued on sharp's thread pool. */
export interface QueuedImageBatch {
  /** Awaits the decodes and builds the batch tensor (only then, so none lives before). */
  finish(): Promise<ImageBatch>;
}

/**
 * The first half of loadImageBatch: settles once every file is read and header-checked and every
 * decode is queued, so that a forward pass started next overlaps the decoding (see
 * queueDecodeForModel).
 */
export async function queueImageBatch(
  sources: readonly ImageSource[],
  options: ImagePipelineOptions,
  read: ReadSource,
): Promise<QueuedImageBatch> {
  const queued = await Promise.all(sources.map((s) => queueOne(s, options, read)));
  return {
    finish: async () => toBatch(sources, await Promise.all(queued.map((q) => q.outcome)), options),
  };
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
  return (await queueImageBatch(sources, options, read)).finish();
}

function toBatch(
  sources: readonly ImageSource[],
  decoded: (RgbImage | ImageFailure)[],
  options: ImagePipelineOptions,
): ImageBatch {
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
