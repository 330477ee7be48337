import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import { parseConfig, parseConfigText } from '../config-schema/load-config.js';
import { canonicalJson, sha256Hex } from '../store/content-address.js';
import { parseSweepSpec, type SweepSpec } from '../sweep/sweep-spec.js';
import { sweepWorkflow, type SweepInput } from '../workflows/index.js';

export type SweepHandle = WorkflowHandle<typeof sweepWorkflow>;

export interface LoadedSweep {
  spec: SweepSpec;
  /** The base experiment config, resolved: where the sweep stores and which queues it uses. */
  base: ExperimentConfig;
  input: SweepInput;
}

/** Reads a sweep spec (YAML or JSON) and checks it and its base experiment config. */
export async function loadSweep(file: string): Promise<LoadedSweep> {
  const format = extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
  const spec = parseSweepSpec(parseConfigText(await readFile(file, 'utf8'), format, file));
  const base = parseConfig(spec.base, `${file}: base`);
  if (spec.earlyStopping.kind !== 'none' && spec.strategy.kind === 'tpe') {
    throw new Error(
      `${file}: earlyStopping: successive halving needs strategy grid or random (TPE proposes from finished trials)`,
    );
  }
  const sweepId = spec.name ?? `sweep-${sha256Hex(canonicalJson(spec)).slice(0, 16)}`;
  return {
    spec,
    base,
    input: {
      sweepId,
      spec,
      storageUri: base.storage.uri,
      cpuQueue: base.temporal.taskQueues.cpu,
      maxResource: base.gan.iterations,
    },
  };
}

/** Starts the sweep, or attaches to it while it runs; a finished sweep starts again and skips finished trials. */
export async function launchSweep(client: Client, input: SweepInput): Promise<SweepHandle> {
  return client.workflow.start(sweepWorkflow, {
    workflowId: input.sweepId,
    taskQueue: input.cpuQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}
