import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { healthCheckWorkflow } from '../../workflows/index.js';
import {
  bundleSfeWorkflows,
  createSfeWorker,
  type SfeWorker,
} from '../../workers/create-worker.js';
import { doctor } from '../../cli/commands/doctor.js';
import { temporalTestAddress } from '../setup/services.js';

describe('health-check workflow on a real dev server', function () {
  this.timeout(180_000);
  const run = randomUUID().slice(0, 8);
  const cpuQueue = `health-cpu-${run}`;
  const gpuQueue = `health-gpu-${run}`;
  let address: string;
  let bundle: WorkflowBundle;
  const workers: SfeWorker[] = [];
  const running: Promise<void>[] = [];
  let connection: Connection;
  let client: Client;

  before(async () => {
    address = await temporalTestAddress();
    bundle = await bundleSfeWorkflows();
    for (const [role, taskQueue] of [
      ['cpu', cpuQueue],
      ['gpu', gpuQueue],
    ] as const) {
      const w = await createSfeWorker({
        address,
        namespace: 'default',
        taskQueue,
        role,
        maxConcurrentActivities: 1,
        workflowBundle: bundle,
      });
      workers.push(w);
      running.push(w.worker.run());
    }
    connection = await Connection.connect({ address });
    client = new Client({ connection });
  });

  after(async () => {
    for (const w of workers) w.worker.shutdown();
    await Promise.all(running);
    await Promise.all(workers.map((w) => w.connection.close()));
    await connection?.close();
  });

  it('reaches a worker on each task queue and reports who served it', async () => {
    const result = await client.workflow.execute(healthCheckWorkflow, {
      taskQueue: cpuQueue,
      workflowId: `health-${run}`,
      args: [{ taskQueues: [cpuQueue, gpuQueue], timeoutSeconds: 30 }],
    });
    assert.deepEqual(
      result.map((q) => [q.taskQueue, q.served]),
      [
        [cpuQueue, true],
        [gpuQueue, true],
      ],
    );
    for (const q of result) {
      assert.equal(q.worker?.taskQueue, q.taskQueue);
      assert.equal(q.worker?.pid, process.pid);
    }
  });

  it('reports a queue that no worker serves instead of hanging', async () => {
    const orphan = `health-orphan-${run}`;
    const result = await client.workflow.execute(healthCheckWorkflow, {
      taskQueue: cpuQueue,
      workflowId: `health-orphan-${run}`,
      args: [{ taskQueues: [cpuQueue, orphan], timeoutSeconds: 2 }],
    });
    assert.equal(result[0]?.served, true);
    assert.equal(result[1]?.served, false);
    assert.match(result[1]?.error ?? '', /timed out|timeout/i);
  });

  it('sfe doctor reports each queue and who serves it, and fails on an unserved one', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    const check = (queues: string) =>
      doctor.run({ positionals: {}, options: { address, queues, timeout: '2' } }, io);
    assert.equal(await check(`${cpuQueue},${gpuQueue}`), 0);
    // Each worker names what it computes on: backend (TensorFlow version), devices, threads.
    assert.match(
      out.join(''),
      new RegExp(
        `✔ ${gpuQueue}: served by .* pid ${process.pid} \\(Node v[\\d.]+\\), ${tf.getBackend()} \\((TensorFlow [\\d.]+; )?CPU; \\d+ threads?\\)`,
      ),
    );
    out.length = 0;
    assert.equal(await check(`${cpuQueue},doctor-orphan-${run}`), 1);
    assert.match(out.join(''), /✘ doctor-orphan-.*: no worker answered/);
  });
});
