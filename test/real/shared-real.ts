import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of real pretrained models and photos (`/work/shared/real` on the development
 * machines): `SFE_SHARED_REAL`, else `../shared/real` beside the repository.
 */
export function sharedRealDir(): string {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = process.env.SFE_SHARED_REAL ?? resolve(repo, '..', 'shared', 'real');
  if (!existsSync(resolve(dir, 'models')) || !existsSync(resolve(dir, 'images'))) {
    throw new Error(
      `the real-weights tests need the shared folder of real models and photos at ${dir} ` +
        '(with models/ and images/); set SFE_SHARED_REAL to its location',
    );
  }
  return dir;
}
