import sharp from 'sharp';

const WIDTH = 9;
const HEIGHT = 8;

/**
 * The 64-bit difference hash (dHash) of an image: greyscale, resized to 9×8, one bit per
 * horizontal neighbour pair (left brighter than right). Robust to brightness changes, re-encoding
 * and small crops; `hammingDistance` with `mirrored` also catches horizontal flips. Decoding the
 * whole image also proves it readable: sharp fails on truncated or corrupt files.
 */
export async function dHash(bytes: Uint8Array): Promise<bigint> {
  const pixels = await sharp(bytes, { failOn: 'truncated' })
    .greyscale()
    .resize(WIDTH, HEIGHT, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  let hash = 0n;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH - 1; x++) {
      const bit = pixels[y * WIDTH + x]! > pixels[y * WIDTH + x + 1]! ? 1n : 0n;
      hash = (hash << 1n) | bit;
    }
  }
  return hash;
}

/** The hash of the horizontally mirrored image: in each row, the bit order reverses and each
 * comparison flips (ties aside, which the Hamming threshold absorbs). */
export function mirrored(hash: bigint): bigint {
  let out = 0n;
  const bitsPerRow = WIDTH - 1;
  for (let y = 0; y < HEIGHT; y++) {
    const row = (hash >> BigInt((HEIGHT - 1 - y) * bitsPerRow)) & 0xffn;
    let flipped = 0n;
    for (let x = 0; x < bitsPerRow; x++) {
      const bit = (row >> BigInt(x)) & 1n;
      flipped = (flipped << 1n) | (bit ^ 1n);
    }
    out = (out << BigInt(bitsPerRow)) | flipped;
  }
  return out;
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let count = 0;
  while (x !== 0n) {
    x &= x - 1n;
    count++;
  }
  return count;
}

export function hashToHex(hash: bigint): string {
  return hash.toString(16).padStart(16, '0');
}

export function hashFromHex(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
