import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { CLUSTER_OPTIONS } from '../cluster-options.js';

function logLevelOf(value: string | boolean | undefined): 'INFO' | 'WARN' | 'ERROR' {
  if (value === undefined) return 'INFO';
  if (value === 'INFO' || value === 'WARN' || value === 'ERROR') return value;
  throw new UsageError(`--log-level: expected INFO, WARN or ERROR, found ${JSON.stringify(value)}`);
}

export const worker: Command = {
  path: ['worker'],
  summary: 'Serve a CPU or GPU task queue (one per machine role); SIGTERM stops it cleanly',
  description:
    'A GPU worker runs one training per slot (default 1: one per GPU). On SIGTERM or Ctrl-C it\n' +
    'takes no new work; a running training writes a checkpoint and its retry resumes there.',
  positionals: [],
  options: {
    ...CLUSTER_OPTIONS,
    role: {
      type: 'string',
      valueName: 'cpu|gpu',
      description: 'Which queue kind to serve (required)',
    },
    queue: {
      type: 'string',
      valueName: 'NAME',
      description: 'Task queue (default sfe-cpu or sfe-gpu)',
    },
    slots: {
      type: 'string',
      valueName: 'N',
      description: 'Activities at once (default: cpu 2, gpu 1)',
    },
    backend: {
      type: 'string',
      valueName: 'NAME',
      description: 'auto, tensorflow-gpu, tensorflow, wasm or cpu',
    },
    'log-level': {
      type: 'string',
      valueName: 'LEVEL',
      description: 'Temporal SDK log level: INFO (default), WARN or ERROR',
    },
    'alive-file': {
      type: 'string',
      valueName: 'PATH',
      description: 'Touch PATH every 15 s while running, for a liveness probe (find PATH -mmin -5)',
    },
    'grace-seconds': {
      type: 'string',
      valueName: 'S',
      description: 'How long a stopping worker waits before interrupting a training (default 10)',
    },
  },
  async run(args, io) {
    const role = args.options['role'];
    if (role !== 'cpu' && role !== 'gpu') throw new UsageError('--role: expected cpu or gpu');
    const number = (name: string, fallback: number): number => {
      const raw = args.options[name];
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 1)
        throw new UsageError(
          `--${name}: expected a positive integer, found ${JSON.stringify(raw)}`,
        );
      return value;
    };
    const backend = args.options['backend'] ?? 'auto';
    const { BACKENDS } = await import('../../ml/backend.js');
    if (
      typeof backend !== 'string' ||
      (backend !== 'auto' && !(BACKENDS as readonly string[]).includes(backend))
    ) {
      throw new UsageError(`--backend: expected auto or one of ${BACKENDS.join(', ')}`);
    }
    const address =
      typeof args.options['address'] === 'string'
        ? args.options['address']
        : process.env.TEMPORAL_ADDRESS;
    if (!address)
      throw new UsageError(
        'a worker needs the cluster address: --address HOST:PORT or TEMPORAL_ADDRESS',
      );
    const { startWorkerHost } = await import('../../workers/host.js');
    const host = await startWorkerHost({
      address,
      namespace:
        typeof args.options['namespace'] === 'string' ? args.options['namespace'] : 'default',
      backend: backend as 'auto',
      shutdownGraceSeconds: number('grace-seconds', 10),
      queues: [
        {
          role,
          taskQueue:
            typeof args.options['queue'] === 'string' ? args.options['queue'] : `sfe-${role}`,
          slots: number('slots', role === 'gpu' ? 1 : 2),
        },
      ],
      logLevel: logLevelOf(args.options['log-level']),
      log: (line) => io.err(`${line}\n`),
    });
    const aliveFile = args.options['alive-file'];
    const { keepAliveFile } = await import('../../workers/alive-file.js');
    const alive =
      typeof aliveFile === 'string'
        ? await keepAliveFile(aliveFile, (line) => io.err(`${line}\n`))
        : undefined;
    await host.done;
    alive?.stop();
    io.err('[sfe] worker stopped\n');
    return 0;
  },
};
