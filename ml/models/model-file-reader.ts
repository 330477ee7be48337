import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArtifactNotFoundError, type ArtifactStore } from '../../store/artifact-store.js';
import { ModelLoadError } from './model-load-error.js';

/**
 * Reads a tfjs model's files (model.json and the weight shards it lists, which are relative to
 * it) from wherever the model lives. `read` throws ModelLoadError naming the missing file.
 */
export interface ModelFileReader {
  /** The URI of model.json, for messages. */
  readonly uri: string;
  /** The file name of model.json inside its folder (usually `model.json`). */
  readonly modelJsonName: string;
  read(relativePath: string): Promise<Uint8Array>;
}

/** A URI naming a folder is taken to mean the `model.json` inside it. */
function splitModelJson(path: string): { folder: string; name: string } {
  if (path.endsWith('.json')) {
    const slash = path.lastIndexOf('/');
    return { folder: path.slice(0, Math.max(slash, 0)), name: path.slice(slash + 1) };
  }
  return { folder: path.replace(/\/+$/, ''), name: 'model.json' };
}

export function fileModelReader(pathOrFileUri: string): ModelFileReader {
  const path = resolve(
    pathOrFileUri.startsWith('file://') ? fileURLToPath(pathOrFileUri) : pathOrFileUri,
  );
  const { folder, name } = splitModelJson(path);
  const uri = join(folder, name);
  return {
    uri,
    modelJsonName: name,
    async read(relativePath) {
      try {
        return new Uint8Array(await readFile(join(folder, relativePath)));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const what = code === 'ENOENT' ? 'missing file' : `unreadable file (${code ?? err})`;
        throw new ModelLoadError(uri, `${what} ${join(folder, relativePath)}`);
      }
    },
  };
}

export function httpModelReader(url: string): ModelFileReader {
  const parsed = new URL(url);
  const { folder, name } = splitModelJson(parsed.pathname);
  const uri = new URL(`${folder}/${name}`, parsed).href;
  return {
    uri,
    modelJsonName: name,
    async read(relativePath) {
      const fileUrl = new URL(`${folder}/${relativePath}`, parsed).href;
      let response: Response;
      try {
        response = await fetch(fileUrl);
      } catch (err) {
        throw new ModelLoadError(uri, `request for ${fileUrl} failed: ${(err as Error).message}`);
      }
      if (!response.ok) {
        const what = response.status === 404 ? 'missing file' : `HTTP ${response.status} for`;
        throw new ModelLoadError(uri, `${what} ${fileUrl}`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Reads a model stored under `prefix` (a key folder, or the model.json key) of an artifact store. */
export function storeModelReader(store: ArtifactStore, prefix: string): ModelFileReader {
  const { folder, name } = splitModelJson(prefix);
  const key = (relativePath: string): string =>
    folder ? `${folder}/${relativePath}` : relativePath;
  const uri = `${store.uri.replace(/\/+$/, '')}/${key(name)}`;
  return {
    uri,
    modelJsonName: name,
    async read(relativePath) {
      try {
        return await store.get(key(relativePath));
      } catch (err) {
        if (err instanceof ArtifactNotFoundError) {
          throw new ModelLoadError(uri, `missing file ${key(relativePath)} in ${store.uri}`);
        }
        throw err;
      }
    },
  };
}
