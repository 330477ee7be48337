import { createHash } from 'node:crypto';
import { ModelLoadError } from './model-load-error.js';
import type { ModelFileReader } from './model-file-reader.js';

/** sha256 of each model file, by its path relative to model.json (model.json included). */
export type ModelFileDigests = Record<string, string>;

/**
 * A reader that records the digest of every file read through it and, given `pins`, refuses a
 * file whose bytes differ from its pin (or that has none): a shard replaced by bytes of the right
 * size would otherwise load as a silently different model.
 */
export function pinnedReader(
  reader: ModelFileReader,
  pins?: Readonly<ModelFileDigests>,
): { reader: ModelFileReader; digests: ModelFileDigests } {
  const digests: ModelFileDigests = {};
  return {
    digests,
    reader: {
      uri: reader.uri,
      modelJsonName: reader.modelJsonName,
      async read(relativePath) {
        const bytes = await reader.read(relativePath);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (pins !== undefined && pins[relativePath] !== sha256) {
          throw new ModelLoadError(
            reader.uri,
            pins[relativePath] === undefined
              ? `file ${relativePath} was not part of the model when it was pinned`
              : `file ${relativePath} changed since it was pinned (sha256 ${sha256}, pinned ${pins[relativePath]})`,
          );
        }
        digests[relativePath] = sha256;
        return bytes;
      },
    },
  };
}
