import { ConfigError } from '../../config-schema/config-error.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';
import { STAGES, type StageName } from '../../pipeline/stage-ref.js';

export const run: Command = {
  path: ['run'],
  summary: 'Run an experiment (attaches if the same one is already running)',
  description:
    'Validates CONFIG, starts the experiment workflow (its ID is the config name, else derived\n' +
    'from the config hash) and shows its progress until it ends, then prints the report path\n' +
    'and the headline table. Stages already computed for the same inputs are reused.\n' +
    'Without a Temporal address it starts a local dev server and in-process CPU and GPU\n' +
    "workers, storing everything under ./runs (or the config's storage.uri).",
  positionals: [{ name: 'CONFIG' }],
  options: {
    ...CLUSTER_OPTIONS,
    json: {
      type: 'boolean',
      description: 'Print a machine-readable summary (report path, metrics) at the end',
    },
    detach: {
      type: 'boolean',
      description: 'Start and return at once (needs a cluster and running workers)',
    },
    force: {
      type: 'string',
      valueName: 'STAGE',
      description: `Recompute STAGE and every stage after it (${STAGES.join(', ')})`,
    },
  },
  async run(args, io) {
    const force = args.options['force'];
    if (typeof force === 'string' && !(STAGES as readonly string[]).includes(force)) {
      throw new UsageError(`--force: expected one of ${STAGES.join(', ')}, found "${force}"`);
    }
    const { runExperiment } = await import('../run-experiment.js');
    try {
      return await runExperiment(
        args.positionals['CONFIG']![0]!,
        {
          ...args.options,
          force: typeof force === 'string' ? (force as StageName) : undefined,
        },
        io,
      );
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
