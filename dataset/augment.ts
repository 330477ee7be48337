import sharp from 'sharp';
import type { AugmentationOp } from './manifest.js';

const JPEG_QUALITY = 90;

/** Renders one augmentation op; the copy keeps the original's size and is written as JPEG. */
export async function augmentImage(bytes: Uint8Array, op: AugmentationOp): Promise<Buffer> {
  if (op.kind === 'attack') {
    throw new Error('an attacked copy needs the target model: the dataset stage makes it');
  }
  const image = sharp(bytes);
  const { width, height } = await image.metadata();
  if (op.kind === 'flip') return image.flop().jpeg({ quality: JPEG_QUALITY }).toBuffer();
  if (op.kind === 'brightness') {
    return image.modulate({ brightness: op.factor }).jpeg({ quality: JPEG_QUALITY }).toBuffer();
  }
  if (op.kind === 'crop') {
    const w = Math.max(1, Math.round(width * op.fraction));
    const h = Math.max(1, Math.round(height * op.fraction));
    const region = {
      left: Math.round((width - w) * op.left),
      top: Math.round((height - h) * op.top),
      width: w,
      height: h,
    };
    return image
      .extract(region)
      .resize(width, height, { fit: 'fill' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
  }
  // sharp grows the canvas to hold the rotated image; cut the centre back to the original size.
  const rotated = await image
    .rotate(op.degrees, { background: '#000000' })
    .toBuffer({ resolveWithObject: true });
  return sharp(rotated.data)
    .extract({
      left: Math.floor((rotated.info.width - width) / 2),
      top: Math.floor((rotated.info.height - height) / 2),
      width,
      height,
    })
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer();
}
