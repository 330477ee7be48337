import { InvalidKeyError } from './artifact-store.js';

/**
 * Segments with this prefix name in-progress writes of the local store. Reserving it for every
 * store keeps a key that is valid on one store valid on all of them.
 */
export const RESERVED_SEGMENT_PREFIX = '.sfe-tmp-';

/**
 * Throws `InvalidKeyError` unless `key` is a relative '/'-separated path that stays inside the
 * store root on every implementation (a folder on disk or an S3 prefix).
 */
export function validateKey(key: string): void {
  const reason = keyProblem(key);
  if (reason !== undefined) throw new InvalidKeyError(key, reason);
}

/**
 * A list prefix is '' (the whole store), a key, or a key followed by '/'; a prefix may end in a
 * partial segment ('runs/exp-1' matches 'runs/exp-10/x') just as S3 prefixes do.
 */
export function validatePrefix(prefix: string): void {
  if (prefix === '') return;
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

/** Joins a key below a prefix that is itself a key ('' for none). */
export function joinKey(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}/${key}`;
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string') return 'a key must be a string';
  if (key === '') return 'a key must not be empty';
  if (key.includes('\0')) return 'a key must not contain NUL';
  if (key.includes('\\')) return 'a key must not contain a backslash';
  if (key.startsWith('/')) return 'a key must be relative, not start with "/"';
  for (const segment of key.split('/')) {
    if (segment === '') return 'a key must not contain empty segments ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return `a key must not contain a "${segment}" segment`;
    if (segment.startsWith(RESERVED_SEGMENT_PREFIX)) {
      return `segments starting with "${RESERVED_SEGMENT_PREFIX}" are reserved for in-progress writes`;
    }
  }
  return undefined;
}
