import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig } from '../../config-schema/load-config.js';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { ROOT } from '../cli/run-sfe.js';

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

/**
 * `configs/<name>.yaml` with its photos and its target model (`models/<model>/model.json`) read
 * from the shared folder, wherever that is.
 */
export async function loadRealConfig(name: string, model: string): Promise<ExperimentConfig> {
  const real = sharedRealDir();
  const file = await loadConfig(join(ROOT, 'configs', `${name}.yaml`));
  return parseConfig(
    {
      ...file,
      data: { ...file.data, benignRoot: join(real, 'images', 'imagenet-a-classes') },
      targetModel: { ...file.targetModel, uri: join(real, 'models', model, 'model.json') },
    },
    `${name}.yaml`,
  );
}
