import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { createS3Client, ensureBucket } from '../../store/s3-store.js';
import { tinyDemoConfig } from '../fixtures/tiny-demo-config.js';
import { s3TestEndpoint, temporalTestAddress } from '../setup/services.js';
import { runSfe } from './run-sfe.js';

/**
 * `sfe run` checks the store and the target model once, before any workflow starts: a problem
 * that every attempt of every stage would hit fails at once, naming the config field. The
 * cluster has no worker on these queues, so a launch that got past the checks would hang.
 */
describe('sfe run launch checks (versitygw, dev server, child processes)', function () {
  this.timeout(300_000);
  let dir: string;
  let bucket: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfe-launch-'));
    const s3 = await s3TestEndpoint();
    bucket = `launch-${randomUUID().slice(0, 8)}`;
    const client = createS3Client(s3);
    await ensureBucket(client, bucket);
    client.destroy();
    env = {
      ...process.env,
      TEMPORAL_ADDRESS: await temporalTestAddress(),
      SFE_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function launch(
    name: string,
    overrides: Record<string, unknown>,
    envOverrides: NodeJS.ProcessEnv = {},
  ) {
    const config = {
      ...tinyDemoConfig(name),
      temporal: { taskQueues: { cpu: `nobody-${name}`, gpu: `nobody-${name}-gpu` } },
      ...overrides,
    };
    await writeFile(join(dir, `${name}.yaml`), YAML.stringify(config));
    const started = Date.now();
    const result = await runSfe(['run', `${name}.yaml`], {
      cwd: dir,
      env: { ...env, ...envOverrides },
    });
    assert.ok(Date.now() - started < 60_000, 'no retries');
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /experiment .* started/);
    if (process.env.SFE_TEST_PRINT_MESSAGES) console.log(result.stderr);
    return result.stderr;
  }

  it('a storage URI with a ".." segment', async () => {
    const err = await launch('dotdot', { storage: { uri: `s3://${bucket}/runs/../other` } });
    assert.match(err, /dotdot\.yaml: storage\.uri: .*must not contain a "\.\." segment/);
  });

  it('an S3 bucket that does not exist', async () => {
    const err = await launch('nobucket', { storage: { uri: 's3://no-such-bucket-here/runs' } });
    assert.match(err, /storage\.uri: s3:\/\/no-such-bucket-here\/runs: the bucket does not exist/);
  });

  it('wrong S3 credentials', async () => {
    const err = await launch(
      'badkey',
      { storage: { uri: `s3://${bucket}/runs` } },
      { AWS_SECRET_ACCESS_KEY: 'not-the-secret' },
    );
    assert.match(err, /storage\.uri: .*refused the secret access key/);
  });

  it('an unreachable S3 endpoint', async () => {
    const err = await launch(
      'noendpoint',
      { storage: { uri: `s3://${bucket}/runs` } },
      { SFE_S3_ENDPOINT: 'http://127.0.0.1:1' },
    );
    assert.match(
      err,
      /storage\.uri: .*nothing answers at the S3 endpoint, SFE_S3_ENDPOINT \(ECONNREFUSED/,
    );
  });

  it('a target model that is not there', async () => {
    const err = await launch('nomodel', {
      storage: { uri: join(dir, 'runs') },
      data: { kind: 'folder', benignRoot: dir, adversarialRoot: dir },
      targetModel: { kind: 'layers', uri: join(dir, 'missing', 'model.json'), featureLayer: 'x' },
    });
    assert.match(err, /targetModel\.uri: cannot read the model at .*missing\/model\.json/);
  });
});
