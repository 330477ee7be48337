import { executeChild, proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { Comparison } from '../pipeline/compare/comparison.js';
import type { ProtocolRun } from '../pipeline/compare/protocol-variants.js';
import { experimentWorkflow } from './experiment.js';

export interface CompareInput {
  compareId: string;
  storageUri: string;
  cpuQueue: string;
  /** One resolved experiment per split protocol (pipeline/compare/protocol-variants.ts). */
  runs: ProtocolRun[];
}

/**
 * One config under both split protocols (issue 12 item 1): the experiments run as child
 * workflows, side by side, then one activity writes the comparison page. Stages the two share
 * (a pretrained target model, anything whose inputs agree) are content-addressed and computed
 * once; a relaunch with the same ID reuses every finished stage.
 */
export async function compareWorkflow(input: CompareInput): Promise<Comparison> {
  const acts = proxyActivities<typeof activities>({
    taskQueue: input.cpuQueue,
    startToCloseTimeout: '10m',
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['InputError'] },
  });
  await Promise.all(
    input.runs.map((run) =>
      executeChild(experimentWorkflow, {
        workflowId: run.input.experimentId,
        taskQueue: input.cpuQueue,
        args: [run.input],
      }),
    ),
  );
  return acts.writeComparison({
    storageUri: input.storageUri,
    compareId: input.compareId,
    experimentIds: input.runs.map((r) => r.input.experimentId),
  });
}
