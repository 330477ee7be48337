import assert from 'node:assert/strict';
import { decodeForModel, decodeRgb, type RgbImage } from '../../../ml/images/decode-image.js';
import { ImageDecodeError } from '../../../ml/images/image-failure.js';
import { ImagePipelineOptionsSchema } from '../../../ml/images/image-options.js';
import { noise, paint, pngClaiming, type Rgb } from './image-fixtures.js';

const RED: Rgb = [220, 20, 30];
const BLUE: Rgb = [20, 30, 220];
const GREEN: Rgb = [20, 200, 40];

function pixel(image: RgbImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return Array.from(image.data.subarray(i, i + 3));
}

function assertNear(
  actual: number[],
  expected: readonly number[],
  tolerance: number,
  what: string,
) {
  actual.forEach((v, c) =>
    assert.ok(Math.abs(v - expected[c]!) <= tolerance, `${what}: ${actual} vs ${expected}`),
  );
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ImageDecodeError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('image decoding', function () {
  const options = ImagePipelineOptionsSchema.parse({ size: 32 });

  it('decodes JPEG, PNG and WebP to size×size×3', async function () {
    const base = paint(50, 40, () => RED);
    for (const bytes of [
      await base.jpeg().toBuffer(),
      await base.png().toBuffer(),
      await base.webp().toBuffer(),
    ]) {
      const image = await decodeForModel(bytes, options);
      assert.deepEqual([image.width, image.height, image.data.length], [32, 32, 32 * 32 * 3]);
      assertNear(pixel(image, 16, 16), RED, 12, 'centre');
    }
  });

  it('applies the EXIF orientation', async function () {
    // Top half red, bottom half blue; orientation 6 means "rotate 90° clockwise to display".
    const jpeg = await paint(120, 80, (_x, y) => (y < 40 ? RED : BLUE))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const image = await decodeRgb(jpeg, options);
    assert.deepEqual([image.width, image.height], [80, 120]);
    assertNear(pixel(image, 70, 60), RED, 20, 'right side');
    assertNear(pixel(image, 10, 60), BLUE, 20, 'left side');
  });

  it('turns grayscale, CMYK and transparent images into 3-channel sRGB', async function () {
    const gray = await paint(40, 40, () => [90, 90, 90])
      .grayscale()
      .png()
      .toBuffer();
    const g = await decodeForModel(gray, options);
    assertNear(pixel(g, 5, 5), [90, 90, 90], 2, 'grayscale');

    const cmyk = await paint(40, 40, () => RED)
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    const c = await decodeForModel(cmyk, options);
    assert.equal(c.data.length, 32 * 32 * 3);
    const [r, gg, b] = pixel(c, 16, 16);
    assert.ok(r! > 150 && gg! < 80 && b! < 80, `CMYK red decoded as ${[r, gg, b]}`);

    const transparent = await paint(40, 40, () => BLUE)
      .ensureAlpha(0)
      .png()
      .toBuffer();
    assertNear(
      pixel(await decodeForModel(transparent, options), 3, 3),
      [255, 255, 255],
      0,
      'alpha',
    );
  });

  it('crops the centre after scaling the shorter side, or squashes the whole image', async function () {
    // 200×100: the left fifth green, the rest red.
    const png = await paint(200, 100, (x) => (x < 40 ? GREEN : RED))
      .png()
      .toBuffer();
    const cropped = await decodeForModel(png, { ...options, resize: 'shorter-side-crop' });
    assertNear(pixel(cropped, 0, 16), RED, 10, 'crop drops the left fifth');
    const plain = await decodeForModel(png, { ...options, resize: 'plain' });
    assertNear(pixel(plain, 2, 16), GREEN, 10, 'plain keeps it');
    assertNear(pixel(plain, 30, 16), RED, 10, 'plain right side');
  });

  it('reports empty, non-image, truncated and oversized files with a reason', async function () {
    await rejectsWith(decodeForModel(new Uint8Array(0), options), 'empty', /empty/);
    await rejectsWith(
      decodeForModel(new TextEncoder().encode('just some text, not a picture'), options),
      'unsupported-format',
      /unsupported image format/,
    );
    const gif = await paint(8, 8, () => RED)
      .gif()
      .toBuffer();
    await rejectsWith(decodeForModel(gif, options), 'unsupported-format', /format gif is not JPEG/);
    const jpeg = await noise(400, 300).jpeg({ quality: 90 }).toBuffer();
    await rejectsWith(
      decodeForModel(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), options),
      'corrupt',
      /premature end|truncated/i,
    );
    await rejectsWith(
      decodeForModel(await pngClaiming(100_000, 100_000), options),
      'too-large',
      /100000×100000 = 10000000000 pixels exceeds the limit of 67108864/,
    );
    const big = await paint(1200, 1000, () => RED)
      .png()
      .toBuffer();
    await rejectsWith(
      decodeForModel(big, { ...options, maxInputPixels: 1_000_000 }),
      'too-large',
      /1200000 pixels/,
    );
  });
});
