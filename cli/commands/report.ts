import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

export const report: Command = {
  path: ['report'],
  summary: "Print where a finished experiment's report and metrics are, and its headline table",
  positionals: [{ name: 'ID' }],
  options: { ...CLUSTER_OPTIONS, json: { type: 'boolean', description: 'Print JSON' } },
  async run(args, io) {
    const { withExperiment } = await import('../with-cluster.js');
    const { viewExperiment } = await import('../../client/experiments.js');
    const { printHeadline, printJsonSummary } = await import('../print-result.js');
    return withExperiment(args, async (handle) => {
      const view = await viewExperiment(handle);
      if (!view.result) {
        io.err(
          `experiment ${handle.workflowId} has no report: it is ${view.status.toLowerCase()}${view.failure ? ` (${view.failure})` : ''}\n`,
        );
        return 1;
      }
      if (args.options['json'] === true) printJsonSummary(view, io);
      else printHeadline(view, io);
      return 0;
    });
  },
};
