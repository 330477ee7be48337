import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

export const watch: Command = {
  path: ['watch'],
  summary: 'Follow a running experiment with a live progress bar until it ends',
  positionals: [{ name: 'ID' }],
  options: {
    ...CLUSTER_OPTIONS,
    json: { type: 'boolean', description: 'Print a JSON summary at the end' },
  },
  async run(args, io) {
    const { withExperiment } = await import('../with-cluster.js');
    const { watchExperiment } = await import('../watch-experiment.js');
    const { stderrStatusLine } = await import('../status-line.js');
    const { printHeadline, printJsonSummary } = await import('../print-result.js');
    return withExperiment(args, async (handle) => {
      const view = await watchExperiment(handle, stderrStatusLine(io));
      if (args.options['json'] === true) printJsonSummary(view, io);
      else if (view.result) printHeadline(view, io);
      else
        io.err(
          `experiment ${view.experimentId} ${view.status.toLowerCase()}: ${view.failure ?? ''}\n`,
        );
      return view.status === 'COMPLETED' ? 0 : 1;
    });
  },
};
