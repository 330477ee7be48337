import type { Preprocessing } from './image-options.js';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** Writes preprocessed RGB pixels into `out` at `offset` (one image of a batch buffer). */
export function preprocessInto(
  rgb: Uint8Array,
  mode: Preprocessing,
  out: Float32Array,
  offset: number,
): void {
  switch (mode) {
    case 'keras':
      for (let i = 0; i < rgb.length; i++) out[offset + i] = rgb[i]! / 127.5 - 1;
      return;
    case 'unit':
      for (let i = 0; i < rgb.length; i++) out[offset + i] = rgb[i]! / 255;
      return;
    case 'imagenet':
      for (let i = 0; i < rgb.length; i++) {
        const c = i % 3;
        out[offset + i] = (rgb[i]! / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!;
      }
      return;
  }
}
