import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import type { RgbImage } from '../images/decode-image.js';
import { jet } from './colormap.js';
import type { GradCamMap } from './gradcam.js';

/**
 * Blends a Grad-CAM heatmap, upsampled bilinearly to the image's size and coloured with the jet
 * map, over the image (`opacity` of heatmap colour) and encodes the result as PNG.
 */
export async function renderGradCamOverlay(
  image: RgbImage,
  cam: Pick<GradCamMap, 'heatmap' | 'height' | 'width'>,
  opacity = 0.45,
): Promise<Uint8Array> {
  const upsampled = tf.tidy(() =>
    tf.image
      .resizeBilinear(tf.tensor3d(cam.heatmap, [cam.height, cam.width, 1]), [
        image.height,
        image.width,
      ])
      .dataSync(),
  );
  const out = Buffer.alloc(image.width * image.height * 3);
  for (let p = 0; p < upsampled.length; p++) {
    const colour = jet(upsampled[p]!);
    for (let c = 0; c < 3; c++) {
      const i = p * 3 + c;
      out[i] = Math.round((1 - opacity) * image.data[i]! + opacity * colour[c]!);
    }
  }
  const png = await sharp(out, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
