import { isWnid, parseWnidList } from '../imagenet-classes.js';
import type { Problem, Role } from '../manifest.js';
import type { ImageSource } from '../sources/image-source.js';

/** The candidate images of one role, by class, before any of them is read. */
export interface ClassTree {
  source: ImageSource;
  role: Role;
  /** Wanted wnid → candidate paths (sorted); classes without candidates are absent. */
  byClass: Map<string, string[]>;
  problems: Problem[];
}

const README = /(^|\/)readme[^/]*\.txt$/i;

/**
 * Indexes a tree of wnid folders (`…/<wnid>/<file>`) at any depth, so that archives with a top
 * folder (`imagenet-a/n01498041/0.jpg`) and bare folders read alike. Only the wanted classes are
 * kept (ImageNet val holds all 1000); a wanted class without a folder, or with an empty one, is a
 * problem, not an error. `classes` undefined means: the README class list if the tree has one,
 * else `fallbackClasses`.
 */
export async function scanWnidTree(
  source: ImageSource,
  role: Role,
  classes: readonly string[] | undefined,
  fallbackClasses: readonly string[],
): Promise<ClassTree> {
  const given = classes === undefined ? undefined : new Set(classes);
  const listing = await source.list(
    given === undefined ? undefined : (name) => !isWnid(name) || given.has(name),
  );
  const problems = [...listing.problems];
  const readmeClasses = await readReadmeClasses(source, listing.files, problems);
  const wanted = new Set(classes ?? readmeClasses ?? fallbackClasses);
  const byClass = new Map<string, string[]>();
  for (const file of listing.files) {
    const wnid = parentName(file);
    if (wnid === undefined || !wanted.has(wnid)) continue;
    const list = byClass.get(wnid) ?? [];
    list.push(file);
    byClass.set(wnid, list);
  }
  const folders = new Map<string, string>();
  for (const dir of listing.dirs) {
    const name = dir.slice(dir.lastIndexOf('/') + 1);
    if (wanted.has(name)) folders.set(name, dir);
  }
  for (const wnid of wanted) {
    if (byClass.has(wnid)) continue;
    const folder = folders.get(wnid);
    problems.push(
      folder === undefined
        ? { uri: source.uriOf(wnid), reason: `missing class folder ${wnid} (${role})` }
        : { uri: source.uriOf(folder), reason: `empty class folder ${wnid} (${role})` },
    );
  }
  if (readmeClasses !== undefined) {
    for (const wnid of byClass.keys()) {
      if (!readmeClasses.includes(wnid)) {
        problems.push({
          uri: source.uriOf(wnid),
          reason: `class ${wnid} has a folder but is not in the README class list`,
        });
      }
    }
  }
  for (const list of byClass.values()) list.sort();
  return { source, role, byClass, problems };
}

function parentName(file: string): string | undefined {
  const parts = file.split('/');
  const parent = parts[parts.length - 2];
  return parent !== undefined && isWnid(parent) ? parent : undefined;
}

/** The class list of a README next to the wnid folders (ImageNet-A ships one), if any. */
async function readReadmeClasses(
  source: ImageSource,
  files: readonly string[],
  problems: Problem[],
): Promise<string[] | undefined> {
  const readme = files.find((f) => README.test(f) && parentName(f) === undefined);
  if (readme === undefined) return undefined;
  for await (const result of source.read([readme])) {
    if ('error' in result) {
      problems.push({ uri: source.uriOf(readme), reason: result.error });
      return undefined;
    }
    const wnids = parseWnidList(Buffer.from(result.bytes).toString('utf8'));
    return wnids.length > 0 ? wnids : undefined;
  }
  return undefined;
}

/** The tree without `paths`, e.g. benign images already used in pairs. */
export function withoutPaths(tree: ClassTree, paths: ReadonlySet<string>): ClassTree {
  const byClass = new Map<string, string[]>();
  for (const [wnid, list] of tree.byClass) {
    const kept = list.filter((p) => !paths.has(p));
    if (kept.length > 0) byClass.set(wnid, kept);
  }
  return { ...tree, byClass };
}
