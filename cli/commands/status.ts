import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

export const status: Command = {
  path: ['status'],
  summary: 'Show an experiment: status, stages done (cached or computed), current progress',
  positionals: [{ name: 'ID' }],
  options: { ...CLUSTER_OPTIONS, json: { type: 'boolean', description: 'Print JSON' } },
  async run(args, io) {
    const { withExperiment } = await import('../with-cluster.js');
    const { viewExperiment } = await import('../../client/experiments.js');
    const { progressLine } = await import('../progress-view.js');
    return withExperiment(args, async (handle) => {
      const view = await viewExperiment(handle);
      if (args.options['json'] === true) {
        io.out(`${JSON.stringify(view, null, 2)}\n`);
        return 0;
      }
      const stages = view.state?.stages ?? view.result?.stages ?? [];
      io.out(
        `experiment ${view.experimentId}: ${view.status.toLowerCase()} (started ${view.startTime.toISOString()})\n`,
      );
      for (const s of stages) {
        io.out(
          `  ✔ ${s.stage.padEnd(12)} ${s.cached ? 'cached  ' : 'computed'} ${s.seconds.toFixed(1).padStart(8)} s  ${s.key}\n`,
        );
      }
      if (view.status === 'RUNNING') io.out(`  … ${progressLine(view, undefined)}\n`);
      if (view.failure) io.out(`  ✘ ${view.failure}\n`);
      return 0;
    });
  },
};
