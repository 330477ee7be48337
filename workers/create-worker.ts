import {
  bundleWorkflowCode,
  NativeConnection,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as activities from '../activities/index.js';

export type WorkerRole = 'cpu' | 'gpu';

export interface SfeWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  role: WorkerRole;
  /** Activities run at once: one per GPU on a GPU worker, since trainings do not share a device well. */
  maxConcurrentActivities: number;
  /** How long a stopping worker lets running activities finish before cancelling them. */
  shutdownGraceSeconds?: number;
  /** A bundle from `bundleSfeWorkflows()`, so that several workers in one process bundle once. */
  workflowBundle?: WorkflowBundle;
}

const WORKFLOWS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'index.js');

export function bundleSfeWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

// The bundler reports every module it packs at info level; only problems matter to a user.
const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface SfeWorker {
  worker: Worker;
  connection: NativeConnection;
}

/** A worker that serves every SFE workflow and activity on one task queue. */
export async function createSfeWorker(options: SfeWorkerOptions): Promise<SfeWorker> {
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle ?? (await bundleSfeWorkflows()),
    activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    identity: `sfe-${options.role}-worker@${process.pid}`,
    shutdownGraceTime: `${options.shutdownGraceSeconds ?? 10}s`,
  });
  return { worker, connection };
}
