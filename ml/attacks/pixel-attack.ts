import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../images/decode-image.js';
import type { Preprocessing } from '../images/image-options.js';
import { IMAGENET_MEAN, IMAGENET_STD } from '../images/preprocess.js';
import { crossEntropy, endsInSoftmax } from '../training/losses.js';
import { AttackOptionsSchema, type AttackOptionsInput } from './attack-options.js';

/** ml/images/preprocess.ts as tensor ops, so gradients reach the pixels. */
function preprocess(pixels: tf.Tensor4D, mode: Preprocessing): tf.Tensor4D {
  switch (mode) {
    case 'keras':
      return tf.sub(tf.div(pixels, 127.5), 1);
    case 'unit':
      return tf.div(pixels, 255);
    case 'imagenet':
      return tf.div(
        tf.sub(tf.div(pixels, 255), tf.tensor1d([...IMAGENET_MEAN])),
        tf.tensor1d([...IMAGENET_STD]),
      );
  }
}

/**
 * Attacks `images` (the model's size×size views) against `model`, untargeted: each step moves the
 * pixels by the sign of the gradient of the cross-entropy at `labels` (indices into the model's
 * output), through the model's preprocessing. The result is quantised to 8 bits and kept within ε
 * of the original in every pixel (ε rounded down to whole levels), so it can be stored losslessly
 * as PNG and is exactly what the model is later shown. Deterministic: PGD starts at the image.
 * Needs a backend with gradients through convolutions (`withConvGradientBackend`).
 */
export function attackImages(
  model: tf.LayersModel,
  images: readonly RgbImage[],
  labels: readonly number[],
  preprocessing: Preprocessing,
  options: AttackOptionsInput,
): RgbImage[] {
  if (images.length === 0) return [];
  const o = AttackOptionsSchema.parse(options);
  const { width, height } = images[0]!;
  const probabilities = endsInSoftmax(model);
  const levels = (fraction: number) => Math.floor(fraction * 255 + 1e-6);
  const epsilon = levels(o.epsilon);
  const step = o.method === 'fgsm' ? epsilon : levels(o.stepSize);
  const steps = o.method === 'fgsm' ? 1 : o.steps;
  const out = tf.tidy(() => {
    const flat = new Float32Array(images.length * width * height * 3);
    images.forEach((image, i) => {
      if (image.width !== width || image.height !== height)
        throw new Error(
          `image ${i} is ${image.width}×${image.height}, expected ${width}×${height}`,
        );
      flat.set(image.data, i * width * height * 3);
    });
    const original = tf.tensor4d(flat, [images.length, height, width, 3]);
    const y = tf.tensor1d(Int32Array.from(labels), 'int32');
    const loss = (x: tf.Tensor) =>
      crossEntropy(
        model.apply(preprocess(x as tf.Tensor4D, preprocessing)) as tf.Tensor2D,
        y,
        probabilities,
      );
    const gradient = tf.grad(loss);
    const [low, high] = [
      tf.maximum(tf.sub(original, epsilon), 0),
      tf.minimum(tf.add(original, epsilon), 255),
    ];
    let x = original;
    for (let s = 0; s < steps; s++) {
      const moved = tf.add(x, tf.mul(tf.sign(gradient(x)), step));
      x = tf.round(tf.minimum(tf.maximum(moved, low), high)) as tf.Tensor4D;
    }
    return x;
  });
  const data = out.dataSync();
  out.dispose();
  const size = width * height * 3;
  return images.map((_, i) => ({
    data: Uint8Array.from(data.subarray(i * size, (i + 1) * size)),
    width,
    height,
  }));
}
