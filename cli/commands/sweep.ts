import type { Cluster } from '../../client/cluster.js';
import type { SweepHandle } from '../../client/sweeps.js';
import type { Command, CommandIo, ParsedArgs } from '../command.js';
import { UsageError } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';
import { withCluster } from '../with-cluster.js';

function sweepHandle(cluster: Cluster, id: string): SweepHandle {
  return cluster.client.workflow.getHandle(id);
}

/** Follows a sweep to its end (hosting workers when embedded) and prints the leaderboard. */
async function followSweep(
  args: ParsedArgs,
  file: string,
  io: CommandIo,
  resume: boolean,
): Promise<number> {
  const { loadSweep, launchSweep } = await import('../../client/sweeps.js');
  const { hostEmbeddedWorkers, isEmbedded } = await import('../run-experiment.js');
  const { stderrStatusLine } = await import('../status-line.js');
  const { leaderboardQuery } = await import('../../workflows/index.js');
  const { printLeaderboard } = await import('../sweep-view.js');
  const { reportLocationOf } = await import('../../client/report-location.js');
  const { setTimeout: sleep } = await import('node:timers/promises');
  const sweep = await loadSweep(file);
  const { launchProblems } = await import('../../client/launch-checks.js');
  const problems = await launchProblems(sweep.base);
  if (problems.length > 0) {
    for (const p of problems) io.err(`${file}: base: ${p.path}: ${p.message}\n`);
    return 1;
  }
  const address =
    typeof args.options['address'] === 'string'
      ? args.options['address']
      : sweep.base.temporal.address;
  const embedded = isEmbedded(address);
  if (args.options['detach'] === true && embedded) {
    io.err(
      'sfe sweep run --detach needs a Temporal cluster (TEMPORAL_ADDRESS or --address) served by `sfe worker` processes\n',
    );
    return 2;
  }
  return withCluster({ ...args, options: { ...args.options, address } }, async (cluster) => {
    const handle = await launchSweep(cluster.client, sweep.input);
    io.err(
      `[sfe] sweep ${sweep.input.sweepId} ${resume ? 'resumed' : 'started'} (${sweep.spec.strategy.kind}, at most ${sweep.spec.concurrency} trials at once)\n`,
    );
    if (args.options['detach'] === true) return 0;
    const workers = embedded
      ? await hostEmbeddedWorkers(cluster, sweep.base, stderrStatusLine(io))
      : undefined;
    try {
      let lastLine = '';
      for (;;) {
        const status = (await handle.describe()).status.name;
        if (status !== 'RUNNING' || workers?.stopped.aborted) break;
        const board = await handle.query(leaderboardQuery).catch(() => []);
        const line = `[sweep] ${board.filter((t) => t.status !== 'running').length} trials finished, ${board.filter((t) => t.status === 'running').length} running`;
        if (line !== lastLine) io.err(`${line}\n`);
        lastLine = line;
        await sleep(1000);
      }
      const status = (await handle.describe()).status.name;
      if (status !== 'COMPLETED') {
        io.err(
          `sweep ${sweep.input.sweepId} ${status.toLowerCase()}; continue with: sfe sweep resume ${file}\n`,
        );
        return 1;
      }
      const result = await handle.result();
      if (args.options['json'] === true) {
        io.out(
          `${JSON.stringify({ ...result, report: reportLocationOf(sweep.input.storageUri, result.reportKey) }, null, 2)}\n`,
        );
      } else {
        printLeaderboard(result.leaderboard, sweep.spec.objective.metric, io);
        io.out(`\nsweep report: ${reportLocationOf(sweep.input.storageUri, result.reportKey)}\n`);
      }
      return 0;
    } finally {
      await workers?.stop();
    }
  });
}

const SPEC = [{ name: 'SPEC' }];
const FOLLOW_OPTIONS: Command['options'] = {
  ...CLUSTER_OPTIONS,
  json: { type: 'boolean', description: 'Print the result as JSON' },
  detach: { type: 'boolean', description: 'Start and return at once' },
};
const ID = [{ name: 'ID' }];

export const sweepRun: Command = {
  path: ['sweep', 'run'],
  summary: 'Run a hyperparameter sweep (attaches if it is already running)',
  description:
    'SPEC names a base experiment config, a search space, a strategy, a trial budget, the\nobjective and a concurrency cap. Trials are experiments; finished ones are never rerun.',
  positionals: SPEC,
  options: FOLLOW_OPTIONS,
  run: (args, io) => followSweep(args, args.positionals['SPEC']![0]!, io, false),
};

export const sweepResume: Command = {
  path: ['sweep', 'resume'],
  summary: 'Relaunch a cancelled or failed sweep: only unfinished trials run again',
  positionals: SPEC,
  options: FOLLOW_OPTIONS,
  run: (args, io) => followSweep(args, args.positionals['SPEC']![0]!, io, true),
};

export const sweepLeaderboard: Command = {
  path: ['sweep', 'leaderboard'],
  summary: 'Show the trials ranked by the objective (live while the sweep runs)',
  positionals: ID,
  options: { ...CLUSTER_OPTIONS, json: { type: 'boolean', description: 'Print JSON' } },
  async run(args, io) {
    const { leaderboardQuery } = await import('../../workflows/index.js');
    const { printLeaderboard } = await import('../sweep-view.js');
    return withCluster(args, async (cluster) => {
      const handle = await sweepHandle(cluster, args.positionals['ID']![0]!);
      const running = (await handle.describe()).status.name === 'RUNNING';
      const board = running
        ? await handle.query(leaderboardQuery)
        : (await handle.result()).leaderboard;
      if (args.options['json'] === true) io.out(`${JSON.stringify(board, null, 2)}\n`);
      else printLeaderboard(board, 'objective', io);
      return 0;
    });
  },
};

export const sweepStatus: Command = {
  path: ['sweep', 'status'],
  summary: "A sweep's status and trial counts",
  positionals: ID,
  options: { ...CLUSTER_OPTIONS },
  async run(args, io) {
    const { leaderboardQuery } = await import('../../workflows/index.js');
    return withCluster(args, async (cluster) => {
      const handle = await sweepHandle(cluster, args.positionals['ID']![0]!);
      const description = await handle.describe();
      const status = description.status.name;
      const board =
        status === 'RUNNING'
          ? await handle.query(leaderboardQuery).catch(() => [])
          : status === 'COMPLETED'
            ? (await handle.result()).leaderboard
            : [];
      const count = (s: string) => board.filter((t) => t.status === s).length;
      io.out(
        `sweep ${handle.workflowId}: ${status.toLowerCase()} — ${count('completed')} completed, ${count('stopped')} stopped early, ${count('failed')} failed, ${count('running')} running\n`,
      );
      return 0;
    });
  },
};

export const sweepCancel: Command = {
  path: ['sweep', 'cancel'],
  summary: 'Cancel a sweep and its running trials (finished trials are kept)',
  positionals: ID,
  options: { ...CLUSTER_OPTIONS },
  async run(args, io) {
    return withCluster(args, async (cluster) => {
      const handle = await sweepHandle(cluster, args.positionals['ID']![0]!);
      await handle.cancel();
      io.out(`cancellation requested for sweep ${handle.workflowId}\n`);
      return 0;
    });
  },
};

const OVERLAP = [
  'skip',
  'buffer_one',
  'buffer_all',
  'cancel_other',
  'terminate_other',
  'allow_all',
] as const;

export const sweepSchedule: Command = {
  path: ['sweep', 'schedule'],
  summary: 'Run a sweep on a schedule: create, list, pause, resume or delete',
  description:
    'sfe sweep schedule create SPEC (--every 1h | --cron "0 3 * * *") [--overlap skip]\n' +
    'sfe sweep schedule list | pause ID | resume ID | delete ID',
  positionals: [{ name: 'ACTION' }, { name: 'ARG', optional: true }],
  options: {
    ...CLUSTER_OPTIONS,
    every: { type: 'string', valueName: 'DURATION', description: 'Interval such as 30m, 6h, 1d' },
    cron: { type: 'string', valueName: 'EXPR', description: 'Cron expression (UTC)' },
    overlap: {
      type: 'string',
      valueName: 'POLICY',
      description: `What to do when the previous run is still going: ${OVERLAP.join(', ')} (default skip)`,
    },
  },
  async run(args, io) {
    const action = args.positionals['ACTION']![0]!;
    const arg = args.positionals['ARG']?.[0];
    const { createSweepSchedule, listSweepSchedules, scheduleHandle } =
      await import('../../client/sweep-schedules.js');
    return withCluster(args, async (cluster) => {
      switch (action) {
        case 'create': {
          if (!arg) throw new UsageError('sweep schedule create needs SPEC');
          const every = args.options['every'];
          const cron = args.options['cron'];
          if ((typeof every === 'string') === (typeof cron === 'string'))
            throw new UsageError('give exactly one of --every and --cron');
          const overlap = args.options['overlap'] ?? 'skip';
          if (typeof overlap !== 'string' || !(OVERLAP as readonly string[]).includes(overlap)) {
            throw new UsageError(`--overlap: expected one of ${OVERLAP.join(', ')}`);
          }
          const id = await createSweepSchedule(cluster.client, arg, {
            ...(typeof every === 'string' ? { every } : {}),
            ...(typeof cron === 'string' ? { cron } : {}),
            overlap: overlap as (typeof OVERLAP)[number],
          });
          io.out(`schedule ${id} created\n`);
          return 0;
        }
        case 'list': {
          for (const s of await listSweepSchedules(cluster.client))
            io.out(`${s.id.padEnd(32)} ${s.paused ? 'paused ' : 'active '} ${s.spec}\n`);
          return 0;
        }
        case 'pause':
        case 'resume':
        case 'delete': {
          if (!arg) throw new UsageError(`sweep schedule ${action} needs the schedule ID`);
          const handle = scheduleHandle(cluster.client, arg);
          if (action === 'pause') await handle.pause('paused with sfe');
          else if (action === 'resume') await handle.unpause('resumed with sfe');
          else await handle.delete();
          io.out(`schedule ${arg} ${action === 'delete' ? 'deleted' : `${action}d`}\n`);
          return 0;
        }
        default:
          throw new UsageError(
            `unknown action "${action}": expected create, list, pause, resume or delete`,
          );
      }
    });
  },
};
