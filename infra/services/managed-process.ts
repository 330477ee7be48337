import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

// A dev service must never outlive the process that started it, even on Ctrl-C or a crash.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const child of running) child.kill('SIGTERM');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      // Someone else handles the signal (a Temporal worker draining its activities): let them
      // shut down in order; the exit hook still stops the services at the very end.
      if (process.listenerCount(signal) > 0) return;
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

function tcpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  /** Ready once this loopback port accepts connections (and `ready`, if given, resolves true). */
  port: number;
  ready?: () => Promise<boolean>;
  timeoutMs?: number;
}

/** Starts a service, waits until it answers, and tears it down if it never does. */
export async function startManagedProcess(options: StartOptions): Promise<ManagedProcess> {
  installExitHook();
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await new Promise((r) => log.once('open', r));
  const child = spawn(options.command, options.args, { stdio: ['ignore', log, log] });
  running.add(child);
  let exited: string | undefined;
  const gone = new Promise<void>((resolveGone) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exited with code ${code}`;
      running.delete(child);
      log.end();
      resolveGone();
    });
  });
  child.once('error', (err) => {
    exited = err.message;
  });

  const stop = async (graceMs = 5000): Promise<void> => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`${options.name} ${exited} before it was ready; see ${options.logFile}`);
    }
    if (
      (await tcpAnswers('127.0.0.1', options.port)) &&
      (!options.ready || (await options.ready()))
    ) {
      break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${options.name} did not answer on port ${options.port} in time; see ${options.logFile}`,
      );
    }
    await sleep(100);
  }
  return { name: options.name, pid: child.pid ?? -1, logFile: options.logFile, stop };
}
