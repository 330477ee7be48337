import { fileURLToPath } from 'node:url';
import { openStore, type OpenStoreOptions } from '../../store/open-store.js';
import { FolderSource } from './folder-source.js';
import type { ImageSource } from './image-source.js';
import { StoreSource } from './store-source.js';
import { TarSource } from './tar-source.js';

export type SourceKind = 'folder' | 'tar' | 's3';

/** The image source for a data root, read the way the config's `data.kind` says. */
export function openImageSource(
  kind: SourceKind,
  root: string,
  options: OpenStoreOptions = {},
): ImageSource {
  if (kind === 'folder')
    return new FolderSource(root.startsWith('file://') ? fileURLToPath(root) : root);
  if (kind === 'tar') return new TarSource(root);
  return new StoreSource(openStore(root, options));
}
