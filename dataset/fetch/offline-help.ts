import path from 'node:path';
import type { CatalogueEntry } from './catalogue.js';
import { modelJsonUrl } from './fetch-tfjs-model.js';

/**
 * What to do when the host cannot be reached: fetch elsewhere and copy the file in (this command
 * then only checks it), or point the config at the data directly.
 */
export function offlineHelp(
  entry: CatalogueEntry,
  dest: string,
  source: { url: string | undefined; sha256: string | null },
): string {
  const { url } = source;
  const folder = path.resolve(dest, entry.folder);
  if (entry.kind === 'tfjs-model') {
    return [
      `To get ${entry.name} without this machine downloading it:`,
      `  1. On a machine with internet access, download ${url ? modelJsonUrl(url) : 'its model.json'}`,
      `     (model.json and every file listed in its weightsManifest paths).`,
      `  2. Copy them into ${folder}/`,
      `  3. Point the config at it:  targetModel: { uri: ${path.join(folder, 'model.json')} }`,
      '',
    ].join('\n');
  }
  const file = path.resolve(dest, entry.fileName);
  const sha = source.sha256 ?? 'not pinned (compare `sha256sum` with a trusted source)';
  return [
    `To get ${entry.name} without this machine downloading it:`,
    `  1. On a machine with internet access, download`,
    `       ${url ?? entry.url}`,
    `     and copy it here as`,
    `       ${file}`,
    `     expected sha256: ${sha}`,
    `     Running this command again then checks the file instead of downloading it.`,
    `  2. Or point the config at the data directly, either the archive as it is:`,
    `       data: { kind: tar, ${entry.configField}: ${file} }`,
    `     or the folder extracted from it (tar -xf ${entry.fileName} -C ${path.resolve(dest)}):`,
    `       data: { kind: folder, ${entry.configField}: ${folder} }`,
    `     (kind applies to every root: benignRoot must be read the same way)`,
    '',
  ].join('\n');
}
