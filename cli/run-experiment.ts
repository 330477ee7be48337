import { openCluster, type Cluster } from '../client/cluster.js';
import {
  experimentIdFor,
  launchExperiment,
  viewExperiment,
  type ExperimentHandle,
} from '../client/experiments.js';
import { launchProblems } from '../client/launch-checks.js';
import { ConfigError } from '../config-schema/config-error.js';
import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import { configHash, loadConfig } from '../config-schema/load-config.js';
import { stagesFrom, type StageName } from '../pipeline/stage-ref.js';
import { startWorkerHost } from '../workers/host.js';
import { spawnWorkerProcess } from '../workers/worker-process.js';
import type { CommandIo } from './command.js';
import { clusterOptionsOf } from './cluster-options.js';
import { printHeadline, printJsonSummary } from './print-result.js';
import { stderrStatusLine, type StatusLine } from './status-line.js';
import { watchExperiment } from './watch-experiment.js';

export interface RunOptions {
  address?: string | boolean;
  namespace?: string | boolean;
  json?: string | boolean;
  detach?: string | boolean;
  force: StageName | undefined;
}

export type Runtime = Pick<ExperimentConfig, 'backend'> & {
  temporal: Pick<ExperimentConfig['temporal'], 'taskQueues'>;
};

/** Embedded mode (no cluster address given): the CPU and GPU workers live in this process. */
export function isEmbedded(address: string | undefined): boolean {
  return (address ?? process.env.TEMPORAL_ADDRESS) === undefined;
}

export interface EmbeddedWorkers {
  /** Aborted when the workers stop by themselves (Ctrl-C, SIGTERM). */
  stopped: AbortSignal;
  stop(): Promise<void>;
}

/**
 * The workers of embedded mode: the CPU worker (and every workflow) in this process, the GPU
 * worker in a child process, where a training blocking its event loop cannot starve the rest.
 * Ctrl-C stops both; a running training checkpoints first.
 */
export async function hostEmbeddedWorkers(
  cluster: Cluster,
  runtime: Runtime,
  status: StatusLine,
): Promise<EmbeddedWorkers> {
  status.print(
    `[sfe] local Temporal dev server at ${cluster.address}; CPU worker in this process, GPU worker in a child process`,
  );
  const stopped = new AbortController();
  const workers = await startWorkerHost({
    address: cluster.address,
    namespace: cluster.namespace,
    backend: runtime.backend,
    shutdownGraceSeconds: 5,
    // Failed attempts show in the progress line; the SDK's stack traces would bury it.
    logLevel: 'ERROR',
    queues: [{ role: 'cpu', taskQueue: runtime.temporal.taskQueues.cpu, slots: 2 }],
    log: (line) => status.print(line),
  });
  const gpuWorker = spawnWorkerProcess({
    address: cluster.address,
    namespace: cluster.namespace,
    queue: { role: 'gpu', taskQueue: runtime.temporal.taskQueues.gpu, slots: 1 },
    backend: runtime.backend,
    graceSeconds: 5,
    logLevel: 'ERROR',
    // Its output goes above the progress bar, not into it.
    output: (line) => status.print(line),
  });
  void workers.done.then(() => stopped.abort());
  void gpuWorker.exited.then(() => stopped.abort());
  return {
    stopped: stopped.signal,
    async stop() {
      workers.shutdown();
      await Promise.all([workers.done, gpuWorker.stop()]);
    },
  };
}

/** Watches an experiment to its end and prints the outcome, hosting the workers when embedded. */
export async function followExperiment(
  cluster: Cluster,
  handle: ExperimentHandle,
  runtime: Runtime,
  embedded: boolean,
  io: CommandIo,
  json: boolean,
): Promise<number> {
  const status = stderrStatusLine(io);
  const workers = embedded ? await hostEmbeddedWorkers(cluster, runtime, status) : undefined;
  try {
    const view = await watchExperiment(handle, status, workers?.stopped);
    if (view.status === 'RUNNING') {
      io.err(`[sfe] stopped; continue with: sfe resume ${handle.workflowId}\n`);
      return 130;
    }
    if (json) printJsonSummary(view, io);
    else if (view.result) printHeadline(view, io);
    else
      io.err(
        `experiment ${handle.workflowId} ${view.status.toLowerCase()}: ${view.failure ?? 'no reason given'}\n`,
      );
    return view.status === 'COMPLETED' ? 0 : 1;
  } finally {
    await workers?.stop();
  }
}

/** The experiment's page in the Temporal Web UI, where the cluster's UI is known. */
export function webUiLink(
  cluster: Pick<Cluster, 'uiUrl' | 'namespace'>,
  experimentId: string,
): string | undefined {
  if (!cluster.uiUrl) return undefined;
  const base = cluster.uiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(cluster.namespace)}/workflows/${encodeURIComponent(experimentId)}`;
}

/** `sfe run`: validate, launch (or attach), then follow the experiment. */
export async function runExperiment(
  file: string,
  options: RunOptions,
  io: CommandIo,
): Promise<number> {
  const config = await loadConfig(file);
  const problems = await launchProblems(config);
  if (problems.length > 0) throw new ConfigError(file, problems);
  const hash = configHash(config);
  const experimentId = experimentIdFor(config, hash);
  const clusterOptions = clusterOptionsOf({
    address: typeof options.address === 'string' ? options.address : config.temporal.address,
    namespace:
      typeof options.namespace === 'string' ? options.namespace : config.temporal.namespace,
  });
  const embedded = isEmbedded(clusterOptions.address);
  if (options.detach === true && embedded) {
    io.err(
      'sfe run --detach needs a Temporal cluster (TEMPORAL_ADDRESS or --address) served by `sfe worker` processes; without one the run lives in this process\n',
    );
    return 2;
  }
  const cluster = await openCluster(clusterOptions);
  try {
    const { handle, attached } = await launchExperiment(cluster.client, config, {
      experimentId,
      configHash: hash,
      force: options.force ? stagesFrom(options.force) : [],
    });
    io.err(
      `[sfe] experiment ${experimentId} ${attached ? 'already running: attached' : 'started'}\n`,
    );
    const ui = webUiLink(cluster, experimentId);
    if (ui) io.err(`[sfe] Temporal Web UI: ${ui}\n`);
    if (options.detach === true) {
      if (options.json === true) printJsonSummary(await viewExperiment(handle), io);
      return 0;
    }
    return await followExperiment(cluster, handle, config, embedded, io, options.json === true);
  } finally {
    await cluster.close();
  }
}
