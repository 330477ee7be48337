import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../infra/services/free-port.js';
import { REPO_ROOT } from '../../infra/services/tool-paths.js';
import type { S3Connection } from '../../store/s3-store.js';

const run = promisify(execFile);

/** Bump when make-test-base-image.sh changes what goes into the image. */
const BASE_IMAGE = 'sfe-test-base:trixie-1';
const PROJECT = 'sfe-deploy-test';
const COMPOSE_FILES = ['docker-compose.yml', 'infra/deploy/compose.test.yml'];
const BUCKET = 'sfe';

/**
 * docker-compose.yml brought up on this machine's Docker engine with the test override: host
 * networking on free loopback ports, images built on a locally made base image.
 */
export interface ComposeCluster {
  temporalAddress: string;
  s3: Required<S3Connection>;
  bucket: string;
  /** The environment a host `sfe` CLI needs to talk to this cluster. */
  cliEnv: NodeJS.ProcessEnv;
  compose(...args: string[]): Promise<string>;
  docker(...args: string[]): Promise<string>;
  /** The container ID of a service's (single) container. */
  containerOf(service: string): Promise<string>;
  /** Removes the containers and volumes and stops the engine if this cluster started it. */
  destroy(): Promise<void>;
}

export interface Timed {
  (step: string, work: () => Promise<void>): Promise<void>;
}

export async function prepareComposeCluster(timed: Timed): Promise<ComposeCluster> {
  let dockerHost = '';
  let startedEngine = false;
  await timed('deploy tools (apt-get, skipped when present)', async () => {
    await run('bash', ['infra/deploy/install-deploy-tools.sh'], { cwd: REPO_ROOT });
  });
  await timed('docker engine', async () => {
    const { stdout } = await run('bash', ['infra/deploy/docker-engine.sh', 'start'], {
      cwd: REPO_ROOT,
      env: { ...process.env, SFE_DOCKER_FAKE_GPU: '1' },
    });
    const [host, how] = stdout.trim().split(/\s+/);
    dockerHost = host ?? '';
    startedEngine = how === 'started';
  });
  const workDir = await mkdtemp(path.join(tmpdir(), 'sfe-deploy-'));
  const [temporalPort, uiPort, s3Port] = [await freePort(), await freePort(), await freePort()];
  const s3: Required<S3Connection> = {
    endpoint: `http://127.0.0.1:${s3Port}`,
    region: 'us-east-1',
    accessKeyId: `sfe${randomBytes(6).toString('hex')}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  const envFile = path.join(workDir, 'test.env');
  await writeFile(
    envFile,
    `AWS_ACCESS_KEY_ID=${s3.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${s3.secretAccessKey}\n` +
      `AWS_REGION=${s3.region}\nSFE_S3_BUCKET=${BUCKET}\n`,
  );
  const dockerEnv = { ...process.env, DOCKER_HOST: dockerHost };
  // Compose reads these for the variables in the compose files; the user's .env is not read
  // because every variable the files use is set here.
  const composeEnv: NodeJS.ProcessEnv = {
    ...dockerEnv,
    COMPOSE_PROJECT_NAME: PROJECT,
    SFE_ENV_FILE: envFile,
    SFE_IMAGE_PREFIX: 'sfe-test',
    SFE_TAG: 'latest',
    SFE_NODE_IMAGE: BASE_IMAGE,
    SFE_PYTHON_IMAGE: BASE_IMAGE,
    SFE_GO_IMAGE: BASE_IMAGE,
    SFE_DEBIAN_IMAGE: BASE_IMAGE,
    SFE_TF_VARIANT: 'cpu',
    SFE_BIND: '127.0.0.1',
    SFE_CPU_SLOTS: '2',
    SFE_GPU_BACKEND: 'auto',
    SFE_TEST_TEMPORAL_PORT: String(temporalPort),
    SFE_TEST_TEMPORAL_UI_PORT: String(uiPort),
    SFE_TEST_S3_PORT: String(s3Port),
  };
  const docker = async (...args: string[]): Promise<string> =>
    (await run('docker', args, { env: dockerEnv, maxBuffer: 64 << 20 })).stdout;
  const compose = (...args: string[]): Promise<string> =>
    streamed('docker-compose', [...COMPOSE_FILES.flatMap((f) => ['-f', f]), ...args], composeEnv);
  const cluster: ComposeCluster = {
    temporalAddress: `127.0.0.1:${temporalPort}`,
    s3,
    bucket: BUCKET,
    cliEnv: {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      SFE_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
    },
    compose,
    docker,
    async containerOf(service) {
      const id = (await compose('ps', '-q', service)).trim();
      if (!/^[0-9a-f]{12,}$/.test(id)) throw new Error(`no single container for ${service}: ${id}`);
      return id;
    },
    async destroy() {
      try {
        await compose('down', '--volumes', '--remove-orphans', '--timeout', '5');
      } finally {
        await rm(workDir, { recursive: true, force: true });
        if (startedEngine)
          await run('bash', ['infra/deploy/docker-engine.sh', 'stop'], { cwd: REPO_ROOT });
      }
    },
  };
  await timed('base image (skipped when cached)', async () => {
    await streamed('bash', ['infra/deploy/make-test-base-image.sh', BASE_IMAGE], dockerEnv);
  });
  return cluster;
}

/** Runs a command in the repository root; its output goes to the test log as it comes. */
function streamed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      if (process.env.SFE_DEPLOY_VERBOSE) process.stderr.write(chunk);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(out);
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} exited with ${code}:\n${tail}${out.slice(-4000)}`,
          ),
        );
    });
  });
}
