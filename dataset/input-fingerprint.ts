import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../store/open-store.js';
import { canonicalJson, sha256Hex } from '../store/content-address.js';

/** What a stage read, summed up: equal digests mean the same names, sizes and mtimes. */
export interface InputFingerprint {
  digest: string;
  files: number;
}

/**
 * Fingerprints the data roots by the name, size and mtime of every file below them (a tar root
 * is one file), mtimes to the millisecond; an s3:// root, whose listing carries no times here,
 * by its key names. Cheap enough to run on every launch: it reads no file's content.
 */
export async function fingerprintRoots(
  roots: Readonly<Record<string, string | undefined>>,
): Promise<InputFingerprint> {
  const lines: string[] = [];
  for (const [field, root] of Object.entries(roots).sort(([a], [b]) => a.localeCompare(b))) {
    if (root === undefined) continue;
    for (const line of await rootLines(root)) lines.push(`${field}:${line}`);
  }
  return { digest: sha256Hex(canonicalJson(lines)), files: lines.length };
}

async function rootLines(root: string): Promise<string[]> {
  if (root.startsWith('s3://')) return openStore(root).list('');
  const local = root.startsWith('file://') ? fileURLToPath(root) : path.resolve(root);
  const top = await stat(local).catch(() => undefined);
  if (top === undefined) return [];
  if (!top.isDirectory()) return [`${path.basename(local)} ${top.size} ${Math.round(top.mtimeMs)}`];
  const lines: string[] = [];
  for (const entry of await readdir(local, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const info = await stat(file);
    lines.push(`${path.relative(local, file)} ${info.size} ${Math.round(info.mtimeMs)}`);
  }
  return lines.sort();
}
