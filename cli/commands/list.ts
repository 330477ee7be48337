import { STAGES } from '../../pipeline/stage-ref.js';
import { EXPERIMENT_STATUSES } from '../../workflows/experiment-state.js';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';
import { formatList, latestPerExperiment, type RunRow } from '../experiment-list.js';

/** The values each filter can take: anything else is a typo, not "no experiments". */
const ALLOWED: Record<'status' | 'stage', readonly string[]> = {
  status: EXPERIMENT_STATUSES,
  stage: STAGES,
};

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
      description: EXPERIMENT_STATUSES.join(', '),
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
    for (const option of ['status', 'stage'] as const) {
      const value = args.options[option];
      if (typeof value === 'string' && !ALLOWED[option].includes(value)) {
        throw new UsageError(
          `--${option}: expected one of ${ALLOWED[option].join(', ')}; found ${JSON.stringify(value)}`,
        );
      }
    }
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
      const runs: RunRow[] = [];
      for await (const execution of cluster.client.workflow.list({
        query: clauses.join(' AND '),
      })) {
        const attributes = execution.searchAttributes as Record<string, unknown[] | undefined>;
        runs.push({
          experimentId: execution.workflowId,
          status: String(attributes['SfeStatus']?.[0] ?? execution.status.name.toLowerCase()),
          stage: String(attributes['SfeStage']?.[0] ?? ''),
          configHash: String(attributes['SfeConfigHash']?.[0] ?? ''),
          startTime: execution.startTime.toISOString(),
        });
      }
      const rows = latestPerExperiment(runs);
      if (args.options['json'] === true) {
        io.out(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (rows.length === 0) {
        io.out('no experiments\n');
      } else {
        io.out(formatList(rows));
      }
      return 0;
    } finally {
      await cluster.close();
    }
  },
};
