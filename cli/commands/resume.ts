import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

export const resume: Command = {
  path: ['resume'],
  summary: 'Start a failed or cancelled experiment again; finished stages are reused',
  description:
    'Starts a new run of experiment ID with the config it was launched with. Every stage whose\n' +
    'artifact is committed is skipped, and a training resumes from its last checkpoint. On the\n' +
    'embedded server, a run stopped with Ctrl-C is continued where it stood.',
  positionals: [{ name: 'ID' }],
  options: {
    ...CLUSTER_OPTIONS,
    detach: { type: 'boolean', description: 'Start and return at once' },
  },
  async run(args, io) {
    const { withExperiment } = await import('../with-cluster.js');
    const { experimentInput, startExperiment } = await import('../../client/experiments.js');
    const { followExperiment, isEmbedded } = await import('../run-experiment.js');
    const { parseConfig } = await import('../../config-schema/load-config.js');
    const { launchProblems } = await import('../../client/launch-checks.js');
    const { ConfigError } = await import('../../config-schema/config-error.js');
    return withExperiment(args, async (handle, cluster) => {
      const embedded = isEmbedded(
        typeof args.options['address'] === 'string' ? args.options['address'] : undefined,
      );
      const running = (await handle.describe()).status.name === 'RUNNING';
      if (running && !embedded) {
        io.err(
          `experiment ${handle.workflowId} is still running; follow it with: sfe watch ${handle.workflowId}\n`,
        );
        return 1;
      }
      const input = { ...(await experimentInput(handle)), force: [] };
      const source = `experiment ${input.experimentId}`;
      const config = parseConfig(input.config, source);
      // The store or the pinned model may have moved since the launch: say so before a stage
      // fails on it after its retries.
      const problems = await launchProblems(config);
      if (problems.length > 0) {
        io.err(`${new ConfigError(source, problems).message}\n`);
        return 1;
      }
      if (running) {
        // On the embedded server a run stopped with Ctrl-C stays open with nobody serving it:
        // hosting its workers again continues it where it stood.
        io.err(`[sfe] experiment ${input.experimentId} continues\n`);
        return followExperiment(cluster, handle, config, embedded, io, false);
      }
      const resumed = await startExperiment(cluster.client, input);
      io.err(`[sfe] experiment ${input.experimentId} resumed\n`);
      if (args.options['detach'] === true) return 0;
      return followExperiment(cluster, resumed, config, embedded, io, false);
    });
  },
};
