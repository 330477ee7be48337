import { Client, Connection } from '@temporalio/client';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  startTemporalDevServer,
  type RunningTemporal,
} from '../infra/services/temporal-dev-server.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/search-attributes.js';

export interface ClusterOptions {
  /** host:port; else TEMPORAL_ADDRESS; else the embedded dev server under `stateDir`. */
  address?: string;
  namespace: string;
  /** Where the embedded dev server keeps its history and its address file (`./runs/.temporal`). */
  stateDir: string;
}

export interface Cluster {
  client: Client;
  connection: Connection;
  address: string;
  namespace: string;
  /** True when this process started the dev server (and stops it on close). */
  embedded: boolean;
  /** The Temporal Web UI: the embedded dev server's, or `TEMPORAL_UI_URL` for a cluster. */
  uiUrl: string | undefined;
  close(): Promise<void>;
}

interface ServerFile {
  address: string;
  uiUrl?: string;
  pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A dev server another `sfe` process started and still runs, found through its address file. */
async function runningEmbedded(stateDir: string): Promise<ServerFile | undefined> {
  const file = path.join(stateDir, 'server.json');
  if (!existsSync(file)) return undefined;
  const server = JSON.parse(await readFile(file, 'utf8')) as ServerFile;
  return alive(server.pid) ? server : undefined;
}

async function startEmbedded(stateDir: string): Promise<RunningTemporal> {
  await mkdir(stateDir, { recursive: true });
  const server = await startTemporalDevServer({
    logDir: stateDir,
    dbFile: path.join(stateDir, 'history.sqlite'),
    searchAttributes: SEARCH_ATTRIBUTE_TYPES,
    // The dev server's UI ships inside the temporal binary and listens on loopback only.
    ui: true,
  });
  const file: ServerFile = {
    address: server.address,
    ...(server.uiUrl ? { uiUrl: server.uiUrl } : {}),
    pid: process.pid,
  };
  await writeFile(path.join(stateDir, 'server.json'), JSON.stringify(file));
  return server;
}

/** Registers the custom search attributes `sfe list` filters on, where the cluster lacks them. */
async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(customAttributes ?? {}));
  const missing = Object.keys(SEARCH_ATTRIBUTE_TYPES).filter((name) => !have.has(name));
  if (missing.length === 0) return;
  const KEYWORD = 2; // temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
  });
}

/** Connects to the configured cluster, or to (or else starts) the embedded dev server. */
export async function openCluster(options: ClusterOptions): Promise<Cluster> {
  const configured = options.address ?? process.env.TEMPORAL_ADDRESS;
  let server: RunningTemporal | undefined;
  const other = configured === undefined ? await runningEmbedded(options.stateDir) : undefined;
  let address = configured ?? other?.address;
  let uiUrl = configured === undefined ? other?.uiUrl : process.env.TEMPORAL_UI_URL || undefined;
  if (address === undefined) {
    server = await startEmbedded(options.stateDir);
    address = server.address;
    uiUrl = server.uiUrl;
  }
  const connection = await Connection.connect({ address });
  if (configured !== undefined) await ensureSearchAttributes(connection, options.namespace);
  const client = new Client({ connection, namespace: options.namespace });
  return {
    client,
    connection,
    address,
    namespace: options.namespace,
    embedded: server !== undefined,
    uiUrl,
    async close() {
      await connection.close();
      if (server) {
        await server.stop();
        await rm(path.join(options.stateDir, 'server.json'), { force: true });
      }
    },
  };
}
