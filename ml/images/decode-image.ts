import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { ImageDecodeError } from './image-failure.js';
import type { ImagePipelineOptions } from './image-options.js';

/** Interleaved 8-bit sRGB pixels, row-major, 3 channels. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}

/** Reads the header only: format and size, so oversized or foreign files are refused undecoded. */
async function checkHeader(bytes: Uint8Array, maxInputPixels: number): Promise<void> {
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty', 'the file is empty (0 bytes)');
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    const message = firstLine((err as Error).message);
    const code = /unsupported image format/i.test(message) ? 'unsupported-format' : 'corrupt';
    throw new ImageDecodeError(code, message);
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new ImageDecodeError(
      'unsupported-format',
      `format ${meta.format ?? 'unknown'} is not JPEG, PNG or WebP`,
    );
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > maxInputPixels) {
    throw new ImageDecodeError(
      'too-large',
      `${meta.width}×${meta.height} = ${pixels} pixels exceeds the limit of ${maxInputPixels}`,
    );
  }
}

/**
 * A pipeline that decodes one image: EXIF orientation applied, alpha flattened onto white,
 * grayscale and CMYK converted to sRGB. Truncated files fail rather than decode half grey.
 */
function rgbPipeline(bytes: Uint8Array, maxInputPixels: number): Sharp {
  return sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'truncated' })
    .rotate()
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb');
}

async function toRgb(pipeline: Sharp): Promise<RgbImage> {
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new ImageDecodeError('corrupt', firstLine((err as Error).message));
  }
  if (out.info.channels !== 3) {
    throw new ImageDecodeError('corrupt', `decoded to ${out.info.channels} channels, expected 3`);
  }
  return {
    data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength),
    width: out.info.width,
    height: out.info.height,
  };
}

type ModelViewOptions = Pick<ImagePipelineOptions, 'size' | 'resize' | 'maxInputPixels'>;

/** Decodes an image to the model's size×size view. @throws ImageDecodeError */
export async function decodeForModel(
  bytes: Uint8Array,
  options: ModelViewOptions,
): Promise<RgbImage> {
  return (await queueDecodeForModel(bytes, options)).pixels;
}

/**
 * decodeForModel in two steps: the returned promise settles once the header is checked and the
 * decode is queued on sharp's thread pool, `pixels` once it is decoded. The pool decodes without
 * the main thread, so work that blocks the main thread (a native forward pass) can run
 * meanwhile; a decode that has not been queued yet would wait for it instead.
 * @throws ImageDecodeError (the header, from the returned promise; the pixels, from `pixels`)
 */
export async function queueDecodeForModel(
  bytes: Uint8Array,
  options: ModelViewOptions,
): Promise<{ pixels: Promise<RgbImage> }> {
  await checkHeader(bytes, options.maxInputPixels);
  const fit = options.resize === 'plain' ? 'fill' : 'cover';
  // toRgb queues sharp's pipeline synchronously (buffer input), before its first await.
  const pixels = toRgb(
    rgbPipeline(bytes, options.maxInputPixels).resize(options.size, options.size, {
      fit,
      position: 'centre',
    }),
  );
  return { pixels };
}

/** Decodes an image at its own (EXIF-oriented) size, e.g. to draw a Grad-CAM overlay on. */
export async function decodeRgb(
  bytes: Uint8Array,
  options: Pick<ImagePipelineOptions, 'maxInputPixels'>,
): Promise<RgbImage> {
  await checkHeader(bytes, options.maxInputPixels);
  return toRgb(rgbPipeline(bytes, options.maxInputPixels));
}
