import { ConfigError } from '../../config-schema/config-error.js';
import { loadConfig } from '../../config-schema/load-config.js';
import type { Command } from '../command.js';

export const configValidate: Command = {
  path: ['config', 'validate'],
  summary: 'Check experiment config files and report every problem',
  description:
    'Prints "FILE: valid" for each good file. For a bad one it prints one line per problem,\n' +
    '"FILE: path.to.field: expected X, found Y", and the command exits with status 1.',
  positionals: [{ name: 'FILE', variadic: true }],
  options: {},
  async run(args, io) {
    let failed = false;
    for (const file of args.positionals['FILE'] ?? []) {
      try {
        await loadConfig(file);
        io.out(`${file}: valid\n`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        io.err(`${error.message}\n`);
        failed = true;
      }
    }
    return failed ? 1 : 0;
  },
};
