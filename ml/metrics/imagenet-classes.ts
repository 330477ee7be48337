import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository's `data/` folder, seen from this module compiled into `dist/ml/metrics/`. */
export const DATA_DIR = fileURLToPath(new URL('../../../class-lists/', import.meta.url));

const ClassIndexSchema = z.record(z.string().regex(/^\d+$/), z.tuple([z.string(), z.string()]));

export interface ImagenetClass {
  index: number;
  wnid: string;
  name: string;
}

/** `imagenet_class_index.json` (index → [wnid, name]) as a list ordered by index. */
export async function loadImagenetClasses(
  path = join(DATA_DIR, 'imagenet_class_index.json'),
): Promise<ImagenetClass[]> {
  const parsed = ClassIndexSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  const classes = Object.entries(parsed)
    .map(([index, [wnid, name]]) => ({ index: Number(index), wnid, name }))
    .sort((a, b) => a.index - b.index);
  classes.forEach((c, i) => {
    if (c.index !== i) throw new Error(`${path}: class indices skip ${i}`);
  });
  return classes;
}

/** A wnid list file such as `imagenet_a_wnids.txt`: one wnid a line. */
export async function loadWnids(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The 1000-way class index of each wnid, in the order given; unknown wnids are an error. */
export function wnidsToIndices(
  wnids: readonly string[],
  classes: readonly ImagenetClass[],
): number[] {
  const byWnid = new Map(classes.map((c) => [c.wnid, c.index]));
  return wnids.map((wnid) => {
    const index = byWnid.get(wnid);
    if (index === undefined) throw new Error(`wnid ${wnid} is not an ImageNet-1k class`);
    return index;
  });
}

/** The 1000-way indices of the 200 ImageNet-A classes, ascending. */
export async function imagenetAClassIndices(dataDir = DATA_DIR): Promise<number[]> {
  const classes = await loadImagenetClasses(join(dataDir, 'imagenet_class_index.json'));
  const wnids = await loadWnids(join(dataDir, 'imagenet_a_wnids.txt'));
  return wnidsToIndices(wnids, classes).sort((a, b) => a - b);
}
