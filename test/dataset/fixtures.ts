import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { Rng } from '../../ml/rng.js';

const run = promisify(execFile);

/** A small photo-like JPEG (random colour blocks, upscaled smoothly), distinct per seed. */
export async function makeJpeg(seed: number, size = 24): Promise<Buffer> {
  const rng = Rng.fromSeed(seed);
  const blocks = 4;
  const raw = Buffer.from(Array.from({ length: blocks * blocks * 3 }, () => rng.int(256)));
  return sharp(raw, { raw: { width: blocks, height: blocks, channels: 3 } })
    .resize(size, size, { kernel: 'cubic' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export async function makePng(seed: number, size = 24): Promise<Buffer> {
  return sharp(await makeJpeg(seed, size))
    .png()
    .toBuffer();
}

/** Writes `files` (relative path → bytes or text) under `root`; a path ending in '/' makes an
 * empty folder. */
export async function writeTree(
  root: string,
  files: Record<string, Uint8Array | string>,
): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    if (relative.endsWith('/')) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** `count` distinct JPEGs per class: `<prefix><wnid>/<n><ext>`, seeded by class and number. */
export async function imageFiles(
  wnids: readonly string[],
  count: number,
  options: { prefix?: string; ext?: string; seedBase?: number } = {},
): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const [c, wnid] of wnids.entries()) {
    for (let n = 0; n < count; n++) {
      files[`${options.prefix ?? ''}${wnid}/${n}${options.ext ?? '.jpg'}`] = await makeJpeg(
        (options.seedBase ?? 0) + c * 1000 + n,
      );
    }
  }
  return files;
}

/** A temp folder per test, removed afterwards. */
export function useTempDir(): () => string {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sfe-dataset-test-'));
  });
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('temp dir used outside a test');
    return dir;
  };
}

/** Archives `folder`'s content with the system tar (a real producer, not our own writer). */
export async function tarFolder(
  folder: string,
  archive: string,
  options: { gzip?: boolean; format?: 'pax' | 'gnu' | 'ustar' } = {},
): Promise<void> {
  const flags = [options.gzip ? '-czf' : '-cf', archive, `--format=${options.format ?? 'pax'}`];
  await run('tar', [...flags, '-C', folder, '.']);
}

/** The first ImageNet-A wnids, real ones so class indices resolve. */
export const WNIDS = ['n01498041', 'n01531178', 'n01534433', 'n01558993'] as const;
