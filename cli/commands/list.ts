import type { Command } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

const QUOTABLE = /^[A-Za-z0-9._-]+$/;

export const list: Command = {
  path: ['list'],
  summary: 'List experiments, newest first, filtered by status, stage or config hash',
  positionals: [],
  options: {
    ...CLUSTER_OPTIONS,
    status: {
      type: 'string',
      valueName: 'STATUS',
      description: 'running, completed, failed or cancelled',
    },
    stage: {
      type: 'string',
      valueName: 'STAGE',
      description: 'the stage an experiment is at (or ended in)',
    },
    'config-hash': { type: 'string', valueName: 'HASH', description: 'experiments of one config' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  async run(args, io) {
    const { openCluster } = await import('../../client/cluster.js');
    const { clusterOptionsOf } = await import('../cluster-options.js');
    const clauses = [`WorkflowType = 'experimentWorkflow'`];
    for (const [option, attribute] of [
      ['status', 'SfeStatus'],
      ['stage', 'SfeStage'],
      ['config-hash', 'SfeConfigHash'],
    ] as const) {
      const value = args.options[option];
      if (typeof value !== 'string') continue;
      if (!QUOTABLE.test(value)) {
        io.err(`--${option}: expected letters, digits, . _ -; found ${JSON.stringify(value)}\n`);
        return 2;
      }
      clauses.push(`${attribute} = '${value}'`);
    }
    const cluster = await openCluster(clusterOptionsOf(args.options));
    try {
      const rows = [];
      for await (const execution of cluster.client.workflow.list({
        query: clauses.join(' AND '),
      })) {
        const attributes = execution.searchAttributes as Record<string, unknown[] | undefined>;
        rows.push({
          experimentId: execution.workflowId,
          status: String(attributes['SfeStatus']?.[0] ?? execution.status.name.toLowerCase()),
          stage: String(attributes['SfeStage']?.[0] ?? ''),
          configHash: String(attributes['SfeConfigHash']?.[0] ?? ''),
          startTime: execution.startTime.toISOString(),
        });
      }
      if (args.options['json'] === true) {
        io.out(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (rows.length === 0) {
        io.out('no experiments\n');
      } else {
        for (const r of rows) {
          io.out(
            `${r.experimentId.padEnd(28)} ${r.status.padEnd(10)} ${r.stage.padEnd(12)} ${r.configHash.slice(0, 12)}  ${r.startTime}\n`,
          );
        }
      }
      return 0;
    } finally {
      await cluster.close();
    }
  },
};
