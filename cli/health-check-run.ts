import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from '../client/cluster.js';
import { formatBackendInfo } from '../ml/backend-info.js';
import { healthCheckWorkflow } from '../workflows/index.js';
import type { CommandIo } from './command.js';
import { hostEmbeddedWorkers } from './run-experiment.js';
import { stderrStatusLine } from './status-line.js';

/** Time for a worker to take the check's workflow task, on top of the activities' waits. */
const WORKFLOW_PICKUP_SECONDS = 15;

/**
 * `sfe doctor`'s check, bounded as a whole: the workflow itself needs a worker on the first
 * queue, and without one it would wait forever. Where this process started the embedded dev
 * server nobody else serves it, so it hosts the workers `sfe run` would and checks those.
 */
export async function runHealthCheck(
  cluster: Cluster,
  queues: readonly string[],
  timeoutSeconds: number | undefined,
  io: CommandIo,
): Promise<number> {
  const [cpu, gpu = cpu] = queues as [string, string?];
  const workers = cluster.embedded
    ? await hostEmbeddedWorkers(
        cluster,
        { backend: 'auto', temporal: { taskQueues: { cpu, gpu } } },
        stderrStatusLine(io),
      )
    : undefined;
  // A worker just started needs a few seconds (a child process loading TensorFlow.js).
  const perQueue = timeoutSeconds ?? (workers ? 30 : 10);
  const bound = perQueue * queues.length + WORKFLOW_PICKUP_SECONDS;
  const giveUp = new AbortController();
  try {
    const handle = await cluster.client.workflow.start(healthCheckWorkflow, {
      workflowId: `sfe-doctor-${Date.now()}`,
      taskQueue: cpu,
      args: [{ taskQueues: [...queues], timeoutSeconds: perQueue }],
    });
    const results = await Promise.race([
      handle.result(),
      sleep(bound * 1000, undefined, { signal: giveUp.signal }).catch(() => undefined),
    ]).catch((err: unknown) => {
      throw new Error(
        `no worker runs workflows on ${cpu} (${err instanceof Error ? err.message : String(err)})`,
      );
    });
    if (results === undefined) {
      await handle.terminate('sfe doctor gave up waiting').catch(() => undefined);
      io.out(`  ✘ ${cpu}: no worker took the check's workflow within ${bound} s\n`);
      return 1;
    }
    for (const r of results) {
      io.out(
        r.served
          ? `  ✔ ${r.taskQueue}: served by ${r.worker!.hostname} pid ${r.worker!.pid} (Node ${r.worker!.node}), ${formatBackendInfo(r.worker!.backend)}\n`
          : `  ✘ ${r.taskQueue}: no worker answered (${r.error})\n`,
      );
    }
    return results.every((r) => r.served) ? 0 : 1;
  } finally {
    giveUp.abort();
    await workers?.stop();
  }
}
