import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

const WNID = /^n\d{8}$/;

/** The class lists under the repository's `data/` folder, found from this module's location so
 * that both the sources (`dataset/`) and the build output (`dist/dataset/`) resolve it. */
function dataFile(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'data', name);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find data/${name} above ${import.meta.url}`);
    dir = parent;
  }
}

const classIndexFileSchema = z.record(z.string().regex(/^\d+$/), z.tuple([z.string(), z.string()]));

export interface ImageNetClass {
  index: number;
  wnid: string;
  name: string;
}

/** The 1000 ImageNet classes in model output order (index = position in sorted wnid order). */
export class ImageNetClasses {
  private readonly byWnid: Map<string, ImageNetClass>;

  constructor(readonly classes: readonly ImageNetClass[]) {
    this.byWnid = new Map(classes.map((c) => [c.wnid, c]));
  }

  has(wnid: string): boolean {
    return this.byWnid.has(wnid);
  }

  /** @throws when `wnid` is not one of the 1000 classes. */
  get(wnid: string): ImageNetClass {
    const found = this.byWnid.get(wnid);
    if (found === undefined) throw new Error(`${wnid} is not one of the 1000 ImageNet classes`);
    return found;
  }
}

let cachedClasses: ImageNetClasses | undefined;

export function imageNetClasses(): ImageNetClasses {
  if (cachedClasses === undefined) {
    const raw = classIndexFileSchema.parse(
      JSON.parse(readFileSync(dataFile('imagenet_class_index.json'), 'utf8')),
    );
    const classes = Object.entries(raw)
      .map(([index, [wnid, name]]) => ({ index: Number(index), wnid, name }))
      .sort((a, b) => a.index - b.index);
    cachedClasses = new ImageNetClasses(classes);
  }
  return cachedClasses;
}

export type ClassSetName = 'imagenet-a' | 'imagenet-o';

const cachedSets = new Map<ClassSetName, readonly string[]>();

/** The 200 wnids of ImageNet-A or ImageNet-O, in file order. */
export function classSetWnids(name: ClassSetName): readonly string[] {
  let wnids = cachedSets.get(name);
  if (wnids === undefined) {
    const file = name === 'imagenet-a' ? 'imagenet_a_wnids.txt' : 'imagenet_o_wnids.txt';
    wnids = parseWnidList(readFileSync(dataFile(file), 'utf8'));
    cachedSets.set(name, wnids);
  }
  return wnids;
}

/** Resolves a config class selection (a set name or explicit wnids) to wnids. */
export function resolveClasses(selection: ClassSetName | readonly string[]): readonly string[] {
  return typeof selection === 'string' ? classSetWnids(selection) : selection;
}

/** Wnids that start a line (`n01498041 stingray` or a bare wnid), as in the wnid lists and the
 * ImageNet-A README; other lines are prose and are skipped. */
export function parseWnidList(text: string): string[] {
  const wnids: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const first = line.trim().split(/\s+/)[0] ?? '';
    if (WNID.test(first)) wnids.push(first);
  }
  return wnids;
}

export function isWnid(value: string): boolean {
  return WNID.test(value);
}
