import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs from `<root>/dist/infra/services/`. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const ENV_OVERRIDE = {
  temporal: 'SFE_TEMPORAL_BIN',
  versitygw: 'SFE_VERSITYGW_BIN',
  kustomize: 'SFE_KUSTOMIZE_BIN',
  'kubernetes-validate': 'SFE_KUBERNETES_VALIDATE_BIN',
} as const;
export type ToolName = keyof typeof ENV_OVERRIDE;

/**
 * Where a dev-service or test tool binary lives: an explicit override, else the tools folder that
 * `infra/setup.sh` fills. Fails with the command that installs it rather than a bare ENOENT.
 */
export function toolPath(tool: ToolName): string {
  const override = process.env[ENV_OVERRIDE[tool]];
  if (override) {
    if (!existsSync(override)) throw new Error(`${ENV_OVERRIDE[tool]}=${override}: no such file`);
    return override;
  }
  const installed = join(REPO_ROOT, '.tools', 'bin', tool);
  if (!existsSync(installed)) {
    throw new Error(
      `${tool} is not installed at ${installed}: run \`bash infra/setup.sh\` (or \`npm run setup\`)`,
    );
  }
  return installed;
}
