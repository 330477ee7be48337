import type { Command } from '../command.js';
import { CLUSTER_OPTIONS, clusterOptionsOf } from '../cluster-options.js';

export const doctor: Command = {
  path: ['doctor'],
  summary: 'Check that the cluster answers and that a worker serves each task queue',
  description:
    'Runs a tiny workflow that sends one activity to each queue and reports which worker (host and\n' +
    'process) answered, or that none did within --timeout seconds. Exit 1 when a queue is unserved.\n' +
    'On the embedded dev server, which no other sfe process serves, it hosts the workers sfe run\n' +
    'would (CPU in this process, GPU in a child process) and checks those.',
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
      description:
        'Seconds to wait for a worker per queue (default 10; 30 where doctor starts the workers)',
    },
  },
  async run(args, io) {
    const { openCluster } = await import('../../client/cluster.js');
    const { runHealthCheck } = await import('../health-check-run.js');
    const queues = String(args.options['queues'] ?? 'sfe-cpu,sfe-gpu')
      .split(',')
      .filter(Boolean);
    const cluster = await openCluster(clusterOptionsOf(args.options));
    try {
      io.out(`cluster ${cluster.address} (namespace ${cluster.namespace}) answers\n`);
      const timeout = args.options['timeout'];
      return await runHealthCheck(
        cluster,
        queues,
        typeof timeout === 'string' ? Number(timeout) : undefined,
        io,
      );
    } finally {
      await cluster.close();
    }
  },
};
