import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalTestAddress } from '../setup/services.js';
import { runSfe } from './run-sfe.js';

/** `sfe doctor` as a user runs it: a child process, on the embedded default or a cluster. */
describe('sfe doctor (child processes)', function () {
  this.timeout(300_000);
  let dir: string;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  delete env.TEMPORAL_ADDRESS;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfe-doctor-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('on the embedded default hosts the workers and finds both queues served', async () => {
    const result = await runSfe(['doctor'], { cwd: dir, env });
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /✔ sfe-cpu: served by .* pid \d+/);
    assert.match(result.stdout, /✔ sfe-gpu: served by .* pid \d+/);
  });

  it('gives up in bounded time when no worker runs workflows on the first queue', async () => {
    const address = await temporalTestAddress();
    const queue = `doctor-nobody-${randomUUID().slice(0, 8)}`;
    const started = Date.now();
    const result = await runSfe(
      ['doctor', '--address', address, '--queues', queue, '--timeout', '1'],
      { cwd: dir, env },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`✘ ${queue}: no worker took the check's workflow within 16 s`),
    );
    assert.ok(Date.now() - started < 60_000, 'bounded');
  });
});
