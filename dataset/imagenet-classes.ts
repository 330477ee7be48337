import { join } from 'node:path';
import { DATA_DIR, loadImagenetClasses, loadWnids } from '../ml/metrics/imagenet-classes.js';

const WNID = /^n\d{8}$/;

export type ClassSetName = 'imagenet-a' | 'imagenet-o';

const SET_FILES: Record<ClassSetName, string> = {
  'imagenet-a': 'imagenet_a_wnids.txt',
  'imagenet-o': 'imagenet_o_wnids.txt',
};

/** The 200 wnids of ImageNet-A or ImageNet-O, in file order. */
export function classSetWnids(name: ClassSetName): Promise<string[]> {
  return loadWnids(join(DATA_DIR, SET_FILES[name]));
}

/** Resolves a config class selection (a set name or explicit wnids) to wnids. */
export async function resolveClasses(
  selection: ClassSetName | readonly string[],
): Promise<readonly string[]> {
  return typeof selection === 'string' ? classSetWnids(selection) : selection;
}

/** wnid → index in the 1000-way ImageNet output. */
export async function classIndexByWnid(): Promise<ReadonlyMap<string, number>> {
  return new Map((await loadImagenetClasses()).map((c) => [c.wnid, c.index]));
}

/** Wnids that start a line (`n01498041 stingray` or a bare wnid), as in the ImageNet-A README;
 * other lines are prose and are skipped. */
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
