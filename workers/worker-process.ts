import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueueSpec } from './host.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

export interface WorkerProcess {
  pid: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
  /** SIGTERM: the worker drains, a running training checkpoints, then it exits. */
  stop(): Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
  alive(): boolean;
}

export interface WorkerProcessOptions {
  address: string;
  namespace: string;
  queue: QueueSpec;
  backend: string;
  graceSeconds: number;
  /** The SDK's log level in the worker: INFO for a standalone worker, ERROR under `sfe run`. */
  logLevel?: 'INFO' | 'WARN' | 'ERROR';
  /** Where its output goes: inherited by default, or appended to a log file descriptor. */
  stdio?: 'inherit' | number;
  /** Receives its output line by line instead (wins over `stdio`): `sfe run` prints it above its
   * progress bar. */
  output?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts `sfe worker` as a child process. Training blocks its own event loop for seconds at a
 * time; in a process of its own it cannot starve the workflow worker or the CLI's watcher.
 */
export function spawnWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const args = [
    CLI,
    'worker',
    '--role',
    options.queue.role,
    '--queue',
    options.queue.taskQueue,
    '--slots',
    String(options.queue.slots),
    '--address',
    options.address,
    '--namespace',
    options.namespace,
    '--backend',
    options.backend,
    '--grace-seconds',
    String(options.graceSeconds),
    '--log-level',
    options.logLevel ?? 'INFO',
  ];
  const out = options.output ? 'pipe' : (options.stdio ?? 'inherit');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', out, out],
    env: options.env ?? process.env,
  });
  const output = options.output;
  if (output) {
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', output);
    }
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code ?? 0));
  });
  // A worker must not outlive the process that started it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  return {
    pid: child.pid ?? -1,
    exited,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    kill: (signal) => child.kill(signal),
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}
