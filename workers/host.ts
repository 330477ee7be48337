import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { selectBackend, type BackendChoice, type BackendName } from '../ml/backend.js';
import { formatBackendInfo, usesGpu } from '../ml/backend-info.js';
import {
  bundleSfeWorkflows,
  createSfeWorker,
  type SfeWorker,
  type WorkerRole,
} from './create-worker.js';

export interface QueueSpec {
  role: WorkerRole;
  taskQueue: string;
  /** Activities at once; on a GPU queue, one per GPU. */
  slots: number;
}

export interface WorkerHostOptions {
  address: string;
  namespace: string;
  queues: QueueSpec[];
  backend: BackendName | 'auto';
  /** How long a stopping worker lets running activities finish before cancelling them. */
  shutdownGraceSeconds: number;
  logLevel?: LogLevel;
  log?: (line: string) => void;
}

export interface WorkerHost {
  backend: BackendChoice;
  /** Resolves when every worker has stopped (after `shutdown()` or SIGINT/SIGTERM). */
  done: Promise<void>;
  shutdown(): void;
}

/**
 * Runs workers for the given queues in this process. On SIGINT/SIGTERM the Temporal runtime stops
 * them: they take no new work, and once the grace time is over a running training is cancelled,
 * writes its checkpoint and ends; the retry on another worker resumes from there.
 */
export async function startWorkerHost(options: WorkerHostOptions): Promise<WorkerHost> {
  const log = options.log ?? ((line: string) => console.error(line));
  try {
    const level = options.logLevel ?? 'WARN';
    // Core's own messages (slow workflow tasks during a long training) follow the same level.
    Runtime.install({
      logger: new DefaultLogger(level),
      telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // Already installed (a second host in this process, or a test harness): keep that one.
  }
  const backend = await selectBackend(options.backend, log);
  if (options.queues.some((q) => q.role === 'gpu') && !usesGpu(backend.info)) {
    log(`[sfe] gpu worker found no GPU: its stages run on ${formatBackendInfo(backend.info)}`);
  }
  const workflowBundle = await bundleSfeWorkflows();
  const workers: SfeWorker[] = [];
  for (const queue of options.queues) {
    workers.push(
      await createSfeWorker({
        address: options.address,
        namespace: options.namespace,
        taskQueue: queue.taskQueue,
        role: queue.role,
        maxConcurrentActivities: queue.slots,
        shutdownGraceSeconds: options.shutdownGraceSeconds,
        workflowBundle,
      }),
    );
    log(
      `[sfe] ${queue.role} worker on task queue ${queue.taskQueue} (${queue.slots} slot${queue.slots === 1 ? '' : 's'})`,
    );
  }
  const done = Promise.all(workers.map((w) => w.worker.run())).then(async () => {
    await Promise.all(workers.map((w) => w.connection.close()));
  });
  return {
    backend,
    done,
    shutdown: () => {
      for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
