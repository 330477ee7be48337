import { openSync, closeSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openCluster, type Cluster } from '../../client/cluster.js';
import type { ExperimentConfigInput } from '../../config-schema/experiment-schema.js';
import { createS3Client, ensureBucket } from '../../store/s3-store.js';
import { spawnWorkerProcess, type WorkerProcess } from '../../workers/worker-process.js';
import { tinyDemoConfig } from '../fixtures/tiny-demo-config.js';
import { s3TestEndpoint, temporalTestAddress } from '../setup/services.js';

/**
 * A real deployment in miniature: a Temporal dev server, versitygw as the artifact store, and
 * `sfe worker` processes for the CPU and GPU queues (here both on the CPU, on the default backend: native where built).
 */
export interface Deployment {
  cluster: Cluster;
  bucket: string;
  queues: { cpu: string; gpu: string };
  logDir: string;
  startWorker(role: 'cpu' | 'gpu'): WorkerProcess;
  /** The GPU worker processes still running, oldest first. */
  gpuWorkers(): WorkerProcess[];
  /** The worker process behind a Temporal worker identity (`sfe-gpu-worker@<pid>`). */
  workerOf(identity: string): WorkerProcess;
  /** A tiny demo experiment whose artifacts live under `s3://bucket/<prefix>`. */
  config(
    name: string,
    prefix: string,
    overrides?: Partial<ExperimentConfigInput>,
  ): ExperimentConfigInput;
  close(): Promise<void>;
}

export async function startDeployment(): Promise<Deployment> {
  const run = randomUUID().slice(0, 8);
  const s3 = await s3TestEndpoint();
  const bucket = `e2e-${run}`;
  const client = createS3Client(s3);
  await ensureBucket(client, bucket);
  client.destroy();
  const logDir = await mkdtemp(path.join(tmpdir(), 'sfe-e2e-'));
  const cluster = await openCluster({
    address: await temporalTestAddress(),
    namespace: 'default',
    stateDir: logDir,
  });
  const queues = { cpu: `e2e-cpu-${run}`, gpu: `e2e-gpu-${run}` };
  const env = {
    ...process.env,
    SFE_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const workers: WorkerProcess[] = [];
  const gpu: WorkerProcess[] = [];
  return {
    cluster,
    bucket,
    queues,
    logDir,
    startWorker(role) {
      const log = openSync(path.join(logDir, `worker-${role}-${workers.length}.log`), 'a');
      const worker = spawnWorkerProcess({
        address: cluster.address,
        namespace: 'default',
        queue: { role, taskQueue: queues[role], slots: 1 },
        backend: 'auto',
        graceSeconds: 2,
        logLevel: 'WARN',
        stdio: log,
        env,
      });
      void worker.exited.then(() => closeSync(log));
      workers.push(worker);
      if (role === 'gpu') gpu.push(worker);
      return worker;
    },
    gpuWorkers() {
      return gpu.filter((w) => w.alive());
    },
    workerOf(identity) {
      const pid = Number(identity.split('@')[1]);
      const worker = workers.find((w) => w.pid === pid);
      if (!worker) throw new Error(`no worker process of ours is ${identity}`);
      return worker;
    },
    config(name, prefix, overrides = {}) {
      return {
        ...tinyDemoConfig(name),
        storage: { uri: `s3://${bucket}/${prefix}` },
        temporal: { taskQueues: queues, heartbeatTimeoutSeconds: 5 },
        ...overrides,
      };
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
      await cluster.close();
    },
  };
}
