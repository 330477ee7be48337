import type { Command } from '../command.js';
import { CLUSTER_OPTIONS, clusterOptionsOf } from '../cluster-options.js';

export const doctor: Command = {
  path: ['doctor'],
  summary: 'Check that the cluster answers and that a worker serves each task queue',
  description:
    'Runs a tiny workflow that sends one activity to each queue and reports which worker (host and\n' +
    'process) answered, or that none did within --timeout seconds. Exit 1 when a queue is unserved.',
  positionals: [],
  options: {
    ...CLUSTER_OPTIONS,
    queues: {
      type: 'string',
      valueName: 'CPU,GPU',
      description: 'Task queues to check (default sfe-cpu,sfe-gpu)',
    },
    timeout: {
      type: 'string',
      valueName: 'S',
      description: 'Seconds to wait for a worker per queue (default 10)',
    },
  },
  async run(args, io) {
    const { openCluster } = await import('../../client/cluster.js');
    const { healthCheckWorkflow } = await import('../../workflows/index.js');
    const { formatBackendInfo } = await import('../../ml/backend-info.js');
    const queues = String(args.options['queues'] ?? 'sfe-cpu,sfe-gpu')
      .split(',')
      .filter(Boolean);
    const timeoutSeconds = Number(args.options['timeout'] ?? 10);
    const cluster = await openCluster(clusterOptionsOf(args.options));
    try {
      io.out(`cluster ${cluster.address} (namespace ${cluster.namespace}) answers\n`);
      const results = await cluster.client.workflow
        .execute(healthCheckWorkflow, {
          workflowId: `sfe-doctor-${Date.now()}`,
          taskQueue: queues[0]!,
          args: [{ taskQueues: queues, timeoutSeconds }],
        })
        .catch((err: unknown) => {
          throw new Error(
            `no worker runs workflows on ${queues[0]} (${err instanceof Error ? err.message : String(err)})`,
          );
        });
      for (const r of results) {
        io.out(
          r.served
            ? `  ✔ ${r.taskQueue}: served by ${r.worker!.hostname} pid ${r.worker!.pid} (Node ${r.worker!.node}), ${formatBackendInfo(r.worker!.backend)}\n`
            : `  ✘ ${r.taskQueue}: no worker answered (${r.error})\n`,
        );
      }
      return results.every((r) => r.served) ? 0 : 1;
    } finally {
      await cluster.close();
    }
  },
};
