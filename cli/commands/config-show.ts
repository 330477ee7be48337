import { configToYaml } from '../../config-schema/config-yaml.js';
import { ConfigError } from '../../config-schema/config-error.js';
import { configHash, loadConfig } from '../../config-schema/load-config.js';
import type { Command } from '../command.js';

export const configShow: Command = {
  path: ['config', 'show'],
  summary: 'Print the resolved config, every default filled in',
  description:
    'YAML by default, headed by a comment with the config hash; --json prints the config\n' +
    'alone as JSON, for scripts.',
  positionals: [{ name: 'FILE' }],
  options: { json: { type: 'boolean', description: 'Print JSON instead of YAML' } },
  async run(args, io) {
    const file = args.positionals['FILE']![0]!;
    let config;
    try {
      config = await loadConfig(file);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.err(`${error.message}\n`);
      return 1;
    }
    if (args.options['json'] === true) {
      io.out(`${JSON.stringify(config, null, 2)}\n`);
    } else {
      io.out(`# ${file} resolved; config hash ${configHash(config)}\n${configToYaml(config)}`);
    }
    return 0;
  },
};
