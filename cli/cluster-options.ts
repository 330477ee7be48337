import path from 'node:path';
import type { OptionSpec } from './command.js';

/** Options every command that talks to Temporal takes. */
export const CLUSTER_OPTIONS: Record<string, OptionSpec> = {
  address: {
    type: 'string',
    valueName: 'HOST:PORT',
    description:
      'Temporal frontend (default: TEMPORAL_ADDRESS, else the local dev server under ./runs)',
  },
  namespace: {
    type: 'string',
    valueName: 'NAME',
    description: 'Temporal namespace (default: default)',
  },
};

/** Where the embedded dev server keeps its state: beside the default store, in the working folder. */
export const EMBEDDED_STATE_DIR = path.resolve('runs', '.temporal');

export function clusterOptionsOf(options: Record<string, string | boolean | undefined>): {
  address?: string;
  namespace: string;
  stateDir: string;
} {
  const address = typeof options['address'] === 'string' ? options['address'] : undefined;
  const namespace = typeof options['namespace'] === 'string' ? options['namespace'] : 'default';
  return { ...(address ? { address } : {}), namespace, stateDir: EMBEDDED_STATE_DIR };
}
