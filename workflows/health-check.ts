import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';

export interface HealthCheckInput {
  taskQueues: string[];
  /** How long to wait for a worker on each queue before calling it unserved. */
  timeoutSeconds: number;
}

export interface QueueHealth {
  taskQueue: string;
  served: boolean;
  worker?: activities.WorkerInfo;
  error?: string;
}

/** Runs one tiny activity on every task queue: proves the cluster and a worker per queue answer. */
export async function healthCheckWorkflow(input: HealthCheckInput): Promise<QueueHealth[]> {
  return Promise.all(
    input.taskQueues.map(async (taskQueue): Promise<QueueHealth> => {
      const { describeWorker } = proxyActivities<typeof activities>({
        taskQueue,
        scheduleToCloseTimeout: `${input.timeoutSeconds}s`,
        retry: { maximumAttempts: 1 },
      });
      try {
        return { taskQueue, served: true, worker: await describeWorker() };
      } catch (err) {
        return {
          taskQueue,
          served: false,
          error: err instanceof Error ? err.message : String(err),
        };
      }
    }),
  );
}
