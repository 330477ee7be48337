import { sha256Hex } from '../store/content-address.js';
import type { ClassTree } from './loaders/wnid-tree.js';
import type { Problem, Role } from './manifest.js';
import { dHash, hashToHex } from './perceptual-hash.js';
import { sniffImageFormat } from './image-format.js';
import type { ReadResult } from './sources/image-source.js';
import { errorText } from './sources/image-source.js';
import { rngFor } from './stream-seed.js';

/** An image that was read, recognised and fully decoded. */
export interface ValidImage {
  /** Path inside its source, for reading it again. */
  path: string;
  uri: string;
  wnid: string;
  role: Role;
  sha256: string;
  dhash: string;
}

export interface Selection {
  /** wnid → usable images, in seeded order. */
  byClass: Map<string, ValidImage[]>;
  problems: Problem[];
}

const VALIDATE_CONCURRENCY = 8;

/**
 * Draws images per class in a seeded order and keeps the first `count(wnid)` that are usable
 * (all of them when undefined), so a broken file is replaced by the next draw instead of
 * shrinking the class. Only drawn files are read: a 1,300-image ImageNet train class costs the
 * reads of the images kept plus the rejects. Exact duplicates within a class are rejected too.
 */
export async function selectImages(
  tree: ClassTree,
  seed: number,
  count: (wnid: string) => number | undefined,
): Promise<Selection> {
  const problems: Problem[] = [];
  const queues = new Map<string, string[]>();
  const byClass = new Map<string, ValidImage[]>();
  const seen = new Map<string, string>(); // `${wnid}/${sha256}` → uri of the first copy
  const drawOrder = new Map<string, number>();
  for (const [wnid, paths] of tree.byClass) {
    const drawn = rngFor(seed, `select/${tree.role}/${wnid}`).shuffle([...paths]);
    drawn.forEach((p, i) => drawOrder.set(p, i));
    queues.set(wnid, drawn);
    byClass.set(wnid, []);
  }
  const wnidOf = new Map<string, string>();
  for (;;) {
    const round: string[] = [];
    for (const [wnid, queue] of queues) {
      const want = count(wnid) ?? Infinity;
      const missing = Math.min(want - byClass.get(wnid)!.length, queue.length);
      for (const path of queue.splice(0, Math.max(0, missing))) {
        round.push(path);
        wnidOf.set(path, wnid);
      }
    }
    if (round.length === 0) break;
    let batch: ReadResult[] = [];
    const flush = async (): Promise<void> => {
      const checked = await Promise.all(batch.map((r) => validate(r)));
      batch = [];
      for (const result of checked) {
        const uri = tree.source.uriOf(result.path);
        if ('reason' in result) {
          problems.push({ uri, reason: result.reason });
          continue;
        }
        const wnid = wnidOf.get(result.path)!;
        const first = seen.get(`${wnid}/${result.sha256}`);
        if (first !== undefined) {
          problems.push({ uri, reason: `exact duplicate of ${first}` });
          continue;
        }
        seen.set(`${wnid}/${result.sha256}`, uri);
        byClass.get(wnid)!.push({
          path: result.path,
          uri,
          wnid,
          role: tree.role,
          sha256: result.sha256,
          dhash: result.dhash,
        });
      }
    };
    // Results arrive in source order (one tar pass); re-sort each class by draw order below.
    for await (const result of tree.source.read(round)) {
      batch.push(result);
      if (batch.length >= VALIDATE_CONCURRENCY) await flush();
    }
    await flush();
  }
  for (const images of byClass.values()) {
    images.sort((a, b) => drawOrder.get(a.path)! - drawOrder.get(b.path)!);
  }
  return { byClass, problems };
}

type Checked = { path: string; sha256: string; dhash: string } | { path: string; reason: string };

async function validate(result: ReadResult): Promise<Checked> {
  if ('error' in result) return { path: result.path, reason: result.error };
  const { bytes } = result;
  if (bytes.length === 0) return { path: result.path, reason: 'empty file' };
  if (sniffImageFormat(bytes) === undefined) {
    return { path: result.path, reason: 'not an image (no JPEG, PNG or WebP signature)' };
  }
  try {
    const hash = await dHash(bytes);
    const sha256 = sha256Hex(bytes);
    return { path: result.path, sha256, dhash: hashToHex(hash) };
  } catch (error) {
    return { path: result.path, reason: `unreadable image: ${errorText(error)}` };
  }
}
