import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

export const cancel: Command = {
  path: ['cancel'],
  summary: 'Cancel a running experiment (a running training checkpoints first)',
  positionals: [{ name: 'ID' }],
  options: { ...CLUSTER_OPTIONS },
  async run(args, io) {
    const { withExperiment } = await import('../with-cluster.js');
    const { experimentInput } = await import('../../client/experiments.js');
    const { hostEmbeddedWorkers } = await import('../run-experiment.js');
    const { stderrStatusLine } = await import('../status-line.js');
    const { parseConfig } = await import('../../config-schema/load-config.js');
    return withExperiment(args, async (handle, cluster) => {
      await handle.cancel();
      if (cluster.embedded && (await handle.describe()).status.name === 'RUNNING') {
        // Only `sfe run` serves the embedded dev server: with none running, nothing would act
        // on the request, and the experiment would stay open and keep its name taken.
        const input = await experimentInput(handle);
        const config = parseConfig(input.config, `experiment ${input.experimentId}`);
        const workers = await hostEmbeddedWorkers(cluster, config, stderrStatusLine(io));
        try {
          await Promise.race([
            handle.result().catch(() => undefined),
            new Promise((resolve) => workers.stopped.addEventListener('abort', resolve)),
          ]);
        } finally {
          await workers.stop();
        }
        io.out(
          `${handle.workflowId} cancelled; finished stages stay in the store (sfe resume ${handle.workflowId})\n`,
        );
        return 0;
      }
      io.out(
        `cancellation requested for ${handle.workflowId}; finished stages stay in the store (sfe resume ${handle.workflowId})\n`,
      );
      return 0;
    });
  },
};
