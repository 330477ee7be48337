import { mkdir, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { downloadFile, type DownloadOptions, type DownloadResult } from './download-file.js';
import { DownloadError } from './fetch-errors.js';

/** The part of a tfjs model.json that names its weight files. */
const modelJsonSchema = z.object({
  weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)) })),
});

export type TransferOptions = Pick<DownloadOptions, 'retries' | 'retryDelayMs' | 'stallTimeoutMs'>;

export interface ModelFetchOptions extends TransferOptions {
  /** model.json itself, or the folder that serves it. */
  url: string;
  /** The model's folder; files collect in `<dir>.part` until every shard has arrived. */
  dir: string;
  /** Bytes of every file so far; the total is unknown until the last shard ends. */
  onProgress?: (done: number) => void;
}

export interface ModelFetchResult {
  dir: string;
  /** model.json first, then the shards; empty when the folder was already there. */
  files: DownloadResult[];
  present: boolean;
}

export function modelJsonUrl(url: string): string {
  return new URL(url).pathname.endsWith('.json') ? url : `${url.replace(/\/+$/, '')}/model.json`;
}

/** Shard paths are relative to model.json; one that climbs out of the folder is refused. */
function shardTarget(dir: string, shard: string): string {
  const target = path.resolve(dir, shard);
  if (
    /^[a-z][a-z0-9+.-]*:/i.test(shard) ||
    path.isAbsolute(shard) ||
    !target.startsWith(dir + path.sep)
  ) {
    throw new DownloadError(`model.json lists a weight file outside the model folder: ${shard}`);
  }
  return target;
}

/** The weight list of a downloaded model.json; a file that is not one is deleted, so the next
 * run fetches it again rather than trusting it. */
async function readManifest(file: string, url: string): Promise<z.infer<typeof modelJsonSchema>> {
  let parsed: ReturnType<typeof modelJsonSchema.safeParse> | undefined;
  try {
    parsed = modelJsonSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    // Not JSON at all: an error page served with status 200, say.
  }
  if (parsed?.success) return parsed.data;
  await unlink(file);
  throw new DownloadError(`${url} is not a tfjs model.json (no weightsManifest); it was deleted`);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Fetches model.json and every weight shard it lists; the folder appears only when complete. */
export async function fetchTfjsModel(options: ModelFetchOptions): Promise<ModelFetchResult> {
  const dir = path.resolve(options.dir);
  if (await exists(path.join(dir, 'model.json'))) return { dir, files: [], present: true };
  const partDir = `${dir}.part`;
  await mkdir(partDir, { recursive: true });
  const jsonUrl = modelJsonUrl(options.url);
  let before = 0;
  const fetchOne = async (url: string, target: string) => {
    await mkdir(path.dirname(target), { recursive: true });
    const result = await downloadFile({
      ...options,
      url,
      path: target,
      sha256: null,
      onProgress: (done) => options.onProgress?.(before + done),
    });
    before += result.bytes;
    return result;
  };
  const files: DownloadResult[] = [];
  try {
    files.push(await fetchOne(jsonUrl, path.join(partDir, 'model.json')));
    const manifest = await readManifest(files[0]!.path, jsonUrl);
    for (const group of manifest.weightsManifest) {
      for (const shard of group.paths) {
        files.push(await fetchOne(new URL(shard, jsonUrl).href, shardTarget(partDir, shard)));
      }
    }
  } catch (error) {
    // Keeps what arrived for the next run to resume; an empty folder would only be litter.
    await rmdir(partDir).catch(() => undefined);
    throw error;
  }
  await rename(partDir, dir);
  const moved = files.map((file) => ({
    ...file,
    path: path.join(dir, path.relative(partDir, file.path)),
  }));
  return { dir, files: moved, present: false };
}
