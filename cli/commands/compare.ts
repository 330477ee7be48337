import { ConfigError } from '../../config-schema/config-error.js';
import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

export const compare: Command = {
  path: ['compare'],
  summary: 'Run a config under both split protocols (leak-free and paper) and compare them',
  description:
    'Runs CONFIG twice, as experiments <id>-compare-leak-free and <id>-compare-paper (both\n' +
    'augmented alike, so the split protocol is the only difference), then writes one page\n' +
    '(comparisons/<id>-compare/report.html in the store, and comparison.json beside it) and\n' +
    'prints a table: undefended and defended accuracy per protocol, the leakage-audit counts\n' +
    'and what the leak changes. Stages both experiments share are computed once; running the\n' +
    'command again reuses every finished stage.',
  positionals: [{ name: 'CONFIG' }],
  options: {
    ...CLUSTER_OPTIONS,
    json: { type: 'boolean', description: 'Print the comparison as JSON' },
  },
  async run(args, io) {
    const { runComparison } = await import('../run-comparison.js');
    try {
      return await runComparison(args.positionals['CONFIG']![0]!, args.options, io);
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
