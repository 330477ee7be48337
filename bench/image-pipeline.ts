import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { selectBackend } from '../ml/backend.js';
import { ImagePipelineOptionsSchema } from '../ml/images/image-options.js';
import { loadImageBatch, type ImageSource } from '../ml/images/load-image-batch.js';
import { createSourceReader } from '../ml/images/read-source.js';
import type { BenchResult } from './result.js';

/**
 * Photo-like JPEGs of ImageNet's typical size (500×375): smoothed noise plus a gradient, which
 * compresses to roughly the size of a real photo (about 100 kB), unlike a flat colour.
 */
export async function writeBenchJpegs(dir: string, count: number): Promise<ImageSource[]> {
  const width = 500;
  const height = 375;
  const sources: ImageSource[] = [];
  await mkdir(dir, { recursive: true });
  let state = 12345;
  for (let i = 0; i < count; i++) {
    const raw = Buffer.alloc(width * height * 3);
    for (let p = 0; p < raw.length; p++) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      raw[p] = ((state >> 16) & 127) + ((p / 3) % width) / 4 + i * 3;
    }
    const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
      .blur(0.7)
      .jpeg({ quality: 90 })
      .toBuffer();
    const uri = join(dir, `photo-${i}.jpg`);
    await writeFile(uri, jpeg);
    sources.push({ id: `photo-${i}`, uri });
  }
  return sources;
}

/** Images/s of read → decode → resize 299 → preprocess → batch tensor, on 500×375 JPEGs. */
export async function benchImagePipeline(): Promise<BenchResult[]> {
  const backend = (await selectBackend(undefined, () => {})).active;
  const dir = await mkdtemp(join(tmpdir(), 'sfe-bench-images-'));
  try {
    const distinct = await writeBenchJpegs(dir, 32);
    const sources = Array.from({ length: 4 }, () => distinct).flat();
    const read = createSourceReader();
    const results: BenchResult[] = [];
    for (const resize of ['shorter-side-crop', 'plain'] as const) {
      const options = ImagePipelineOptionsSchema.parse({ size: 299, resize });
      await loadImageBatch(distinct.slice(0, 8), options, read).then((b) => b.images?.dispose());
      const start = performance.now();
      for (let i = 0; i < sources.length; i += 32) {
        const batch = await loadImageBatch(sources.slice(i, i + 32), options, read);
        if (batch.failures.length > 0) throw new Error(batch.failures[0]!.reason);
        batch.images!.dispose();
      }
      const seconds = (performance.now() - start) / 1000;
      results.push({
        name: `image pipeline 500×375 JPEG → 299 (${resize})`,
        value: sources.length / seconds,
        unit: 'images/s',
        backend,
        notes: `${sources.length} images, batches of 32, sharp threads ${sharp.concurrency()}`,
      });
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
