import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startTemporalDevServer,
  type RunningTemporal,
} from '../../infra/services/temporal-dev-server.js';
import {
  startVersitygw,
  type RunningVersitygw,
  type S3Endpoint,
} from '../../infra/services/versitygw.js';

/**
 * Dev services shared by every test file of one mocha run. Each starts on first use, so a run
 * of unit tests alone starts nothing; the root hook stops whatever was started, pass or fail.
 */
let workDir: Promise<string> | undefined;
let versitygw: Promise<RunningVersitygw> | undefined;
let temporal: Promise<RunningTemporal> | undefined;

function testWorkDir(): Promise<string> {
  workDir ??= mkdtemp(join(tmpdir(), 'sfe-test-services-'));
  return workDir;
}

export async function s3TestEndpoint(): Promise<S3Endpoint> {
  versitygw ??= testWorkDir().then((dir) => startVersitygw(join(dir, 's3'), join(dir, 'logs')));
  const { endpoint, accessKeyId, secretAccessKey, region } = await versitygw;
  return { endpoint, accessKeyId, secretAccessKey, region };
}

/** `TEMPORAL_ADDRESS` when set (an existing cluster), else a dev server started for this run. */
export async function temporalTestAddress(): Promise<string> {
  const external = process.env.TEMPORAL_ADDRESS;
  if (external) return external;
  temporal ??= testWorkDir().then((dir) => startTemporalDevServer({ logDir: join(dir, 'logs') }));
  return (await temporal).address;
}

export async function stopTestServices(): Promise<void> {
  const started = [versitygw, temporal].filter((p) => p !== undefined);
  versitygw = temporal = undefined;
  await Promise.allSettled(started.map(async (p) => (await p).stop()));
  if (workDir) {
    const dir = await workDir;
    workDir = undefined;
    await rm(dir, { recursive: true, force: true });
  }
}
