import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig } from '../../config-schema/load-config.js';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import type { LeakageAudit } from '../../dataset/leakage-audit.js';
import { committedManifest, readJsonPart } from '../../pipeline/artifact-json.js';
import { CODE_VERSION } from '../../pipeline/code-version.js';
import type { StageContext } from '../../pipeline/stage-context.js';
import {
  DATASET_AUDIT_PART,
  readDatasetManifest,
  runDatasetStage,
} from '../../pipeline/stages/dataset-stage.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
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

/** The dataset stage of `config`, run without a worker, and what it committed. */
export async function runRealDatasetStage(store: ArtifactStore, config: ExperimentConfig) {
  const ctx: StageContext = {
    store,
    codeVersion: CODE_VERSION,
    progress: () => undefined,
    signal: new AbortController().signal,
    log: () => undefined,
  };
  const ref = await runDatasetStage(ctx, config, false);
  const artifact = await committedManifest(store, ref.key);
  return {
    ref,
    part: (name: string): Promise<unknown> => readJsonPart(store, artifact, name),
    audit: (await readJsonPart(store, artifact, DATASET_AUDIT_PART)) as LeakageAudit,
    manifest: await readDatasetManifest(store, ref),
  };
}
