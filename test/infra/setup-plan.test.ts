import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/services/tool-paths.js';

/** The setup steps an npm script runs: its `bash infra/setup.sh …` call, asked for its plan. */
function stepsOf(script: string): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const call = /bash infra\/setup\.sh((?: --[a-z]+)*)/.exec(scripts[script]!);
  assert.ok(call, `npm run ${script} runs infra/setup.sh`);
  const args = call[1]!.trim().split(' ').filter(Boolean);
  return execFileSync('bash', ['infra/setup.sh', ...args, '--plan'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
}

describe('setup: the main job installs only what it needs', () => {
  it('npm start and npm run bench install npm packages, the Temporal CLI and the native backend, nothing test-only', () => {
    for (const script of ['start', 'bench']) {
      assert.deepEqual(
        stepsOf(script),
        ['install_node_modules', 'install_temporal', 'install_native'],
        script,
      );
    }
  });

  it('npm test adds versitygw (Go), the Python checker, the manifest validators and Chromium', () => {
    for (const script of ['test', 'test:real', 'test:deploy']) {
      assert.deepEqual(
        stepsOf(script),
        [
          'install_node_modules',
          'install_temporal',
          'install_native',
          'install_versitygw',
          'install_python_checker',
          'install_kustomize',
          'install_kubernetes_validate',
          'install_chromium',
        ],
        script,
      );
    }
  });
});
