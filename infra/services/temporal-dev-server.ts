import { Connection } from '@temporalio/client';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startManagedProcess } from './managed-process.js';
import { startOnFreshPorts } from './port-retry.js';
import { toolPath } from './tool-paths.js';

export interface RunningTemporal {
  address: string;
  namespace: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  logDir: string;
  /** Persist workflow history here; without it the history dies with the server. */
  dbFile?: string;
  ui?: boolean;
  namespace?: string;
  /** Custom search attributes to register, name → type (Keyword, Text, Int, Double, Bool, Datetime). */
  searchAttributes?: Record<string, string>;
}

async function answersGrpc(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** Starts `temporal server start-dev` on free loopback ports and waits until its gRPC API answers. */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions,
): Promise<RunningTemporal> {
  await mkdir(options.logDir, { recursive: true });
  const logFile = join(options.logDir, 'temporal.log');
  let logStart = 0;
  return startOnFreshPorts(
    async () => {
      logStart = (await stat(logFile).catch(() => undefined))?.size ?? 0;
      return startOnPorts(options, logFile);
    },
    async () => /address already in use/.test((await readFile(logFile, 'utf8')).slice(logStart)),
  );
}

async function startOnPorts(
  options: TemporalDevServerOptions,
  logFile: string,
): Promise<RunningTemporal> {
  const port = await freePort();
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
  ];
  args.push('--log-level', 'warn');
  let uiUrl: string | undefined;
  if (options.ui) {
    const uiPort = await freePort();
    args.push('--ui-port', String(uiPort));
    uiUrl = `http://127.0.0.1:${uiPort}`;
  } else {
    args.push('--headless');
  }
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  const address = `127.0.0.1:${port}`;
  const proc = await startManagedProcess({
    name: 'temporal dev server',
    command: toolPath('temporal'),
    args,
    logFile,
    port,
    ready: () => answersGrpc(address),
    timeoutMs: 90_000,
  });
  return { address, namespace, ...(uiUrl ? { uiUrl } : {}), stop: () => proc.stop() };
}
