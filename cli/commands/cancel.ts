import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

export const cancel: Command = {
  path: ['cancel'],
  summary: 'Cancel a running experiment (a running training checkpoints first)',
  positionals: [{ name: 'ID' }],
  options: { ...CLUSTER_OPTIONS },
  async run(args, io) {
    const { withExperiment } = await import('../with-cluster.js');
    return withExperiment(args, async (handle) => {
      await handle.cancel();
      io.out(
        `cancellation requested for ${handle.workflowId}; finished stages stay in the store (sfe resume ${handle.workflowId})\n`,
      );
      return 0;
    });
  },
};
