import sharp from 'sharp';

/** Side of the greyscale thumbnail the hash cells average; a multiple of 8 and of 9. */
const THUMB = 72;
export const HASH_BITS = 128;

/**
 * A 128-bit difference hash: 64 bits of horizontal neighbour comparisons on a 9×8 grid, then
 * 64 of vertical ones on 8×9. One direction alone (the classic dHash) lets distinct demo-world
 * images with the same background pattern collide; both together separate them while copies
 * that are flipped, re-encoded, brightened or slightly cropped stay a few bits apart
 * (`mirrored` handles flips). Decoding the whole image also proves it readable: sharp fails
 * on truncated or corrupt files.
 */
export async function dHash(bytes: Uint8Array): Promise<bigint> {
  const pixels = await sharp(bytes, { failOn: 'truncated' })
    .greyscale()
    .resize(THUMB, THUMB, { fit: 'fill' })
    .raw()
    .toBuffer();
  const horizontal = cells(pixels, 9, 8);
  const vertical = cells(pixels, 8, 9);
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++)
      hash = (hash << 1n) | bit(horizontal[y * 9 + x]! > horizontal[y * 9 + x + 1]!);
  }
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++)
      hash = (hash << 1n) | bit(vertical[y * 8 + x]! > vertical[(y + 1) * 8 + x]!);
  }
  return hash;
}

function bit(value: boolean): bigint {
  return value ? 1n : 0n;
}

/** Mean grey level of each cell of a `cols` × `rows` grid over the thumbnail. */
function cells(pixels: Buffer, cols: number, rows: number): Float64Array {
  const out = new Float64Array(cols * rows);
  const [cw, ch] = [THUMB / cols, THUMB / rows];
  for (let y = 0; y < THUMB; y++) {
    for (let x = 0; x < THUMB; x++) {
      out[Math.floor(y / ch) * cols + Math.floor(x / cw)]! += pixels[y * THUMB + x]!;
    }
  }
  return out;
}

/**
 * The hash of the horizontally mirrored image, from the hash alone. Horizontal part: each row's
 * bits reverse and flip (left > right becomes right > left; ties aside, which the Hamming
 * threshold absorbs). Vertical part: each row's bits reverse.
 */
export function mirrored(hash: bigint): bigint {
  let out = 0n;
  for (let row = 0; row < 16; row++) {
    const bits = (hash >> BigInt((15 - row) * 8)) & 0xffn;
    const invert = row < 8 ? 1n : 0n;
    let reversed = 0n;
    for (let x = 0; x < 8; x++) reversed = (reversed << 1n) | (((bits >> BigInt(x)) & 1n) ^ invert);
    out = (out << 8n) | reversed;
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
  return hash.toString(16).padStart(HASH_BITS / 4, '0');
}

export function hashFromHex(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
