import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { crc32 } from 'node:zlib';

export type Rgb = [number, number, number];

/** Raw RGB pixels of a width×height image coloured by `colour(x, y)`. */
export function paint(width: number, height: number, colour: (x: number, y: number) => Rgb) {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

/** Deterministic noise, so JPEGs are large enough to truncate mid-scan. */
export function noise(width: number, height: number, seed = 1) {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s & 255);
  return paint(width, height, () => [next(), next(), next()]);
}

/**
 * A PNG whose header claims width×height pixels but holds almost no data: a decompression bomb
 * that must be refused from its header.
 */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await paint(1, 1, () => [0, 0, 0])
      .png()
      .toBuffer(),
  );
  // IHDR chunk: length(4) 'IHDR'(4) width(4) height(4) ... CRC over type+data (17 bytes).
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29);
  return png;
}

export async function writeFixture(dir: string, name: string, bytes: Uint8Array | string) {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}
