import type { Client, WorkflowHandle } from '@temporalio/client';
import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import { configHash } from '../config-schema/load-config.js';
import { protocolRuns } from '../pipeline/compare/protocol-variants.js';
import { compareWorkflow, type CompareInput } from '../workflows/index.js';
import { experimentIdFor } from './experiments.js';

export type CompareHandle = WorkflowHandle<typeof compareWorkflow>;

/** The comparison of a config: its ID (from the config's name or hash) and its two experiments. */
export function comparisonOf(config: ExperimentConfig): CompareInput {
  const compareId = `${experimentIdFor(config, configHash(config))}-compare`;
  return {
    compareId,
    storageUri: config.storage.uri,
    cpuQueue: config.temporal.taskQueues.cpu,
    runs: protocolRuns(config, compareId),
  };
}

/** Starts the comparison, or attaches to it while it runs; a finished one starts again from the store. */
export function launchComparison(client: Client, input: CompareInput): Promise<CompareHandle> {
  return client.workflow.start(compareWorkflow, {
    workflowId: input.compareId,
    taskQueue: input.cpuQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}
