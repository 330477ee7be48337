import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startManagedProcess } from './managed-process.js';
import { toolPath } from './tool-paths.js';

export interface S3Endpoint {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export interface RunningVersitygw extends S3Endpoint {
  stop(): Promise<void>;
}

/**
 * Serves `dataDir` over S3 on a free loopback port, with credentials made up for this run so
 * that nothing else on the machine can use the server by accident.
 */
export async function startVersitygw(dataDir: string, logDir: string): Promise<RunningVersitygw> {
  await mkdir(dataDir, { recursive: true });
  await mkdir(logDir, { recursive: true });
  const port = await freePort();
  const accessKeyId = `sfe${randomBytes(8).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const proc = await startManagedProcess({
    name: 'versitygw',
    command: toolPath('versitygw'),
    args: [
      '--access',
      accessKeyId,
      '--secret',
      secretAccessKey,
      '--port',
      `127.0.0.1:${port}`,
      'posix',
      dataDir,
    ],
    logFile: join(logDir, 'versitygw.log'),
    port,
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    stop: () => proc.stop(),
  };
}
