import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCluster } from '../client/cluster.js';
import { launchSweep } from '../client/sweeps.js';
import { parseConfig } from '../config-schema/load-config.js';
import { startTemporalDevServer } from '../infra/services/temporal-dev-server.js';
import { parseSweepSpec } from '../sweep/sweep-spec.js';
import { spawnWorkerProcess } from '../workers/worker-process.js';
import type { BenchResult } from './result.js';

const TRIALS = 6;

/** A demo experiment whose GAN dominates each trial, as it does in real sweeps. */
function baseConfig(
  storage: string,
  queues: { cpu: string; gpu: string },
): Record<string, unknown> {
  return {
    seed: 1,
    data: { kind: 'demo', classes: 2, imageSize: 16, sampling: { imagesPerClass: 10 } },
    split: { augmentation: { enabled: false } },
    targetModel: {
      kind: 'small-cnn',
      inputSize: 16,
      training: { filters: [4, 8], epochs: 2, batchSize: 8 },
    },
    gan: { hidden: [128, 128, 128], batchSize: 16, iterations: 300, checkpointEvery: 100 },
    advd: { layers: [16, 8], dropout: [0.5, 0.25], epochs: 3, batchSize: 8, patience: 2 },
    evaluation: { gradcam: { count: 0 } },
    backend: 'wasm',
    storage: { uri: storage },
    temporal: { taskQueues: queues },
  };
}

/**
 * Makespan of one 6-trial sweep (concurrency cap 2) served by one GPU worker process, then by
 * two, each on a fresh store so nothing is cached between them: the scaling efficiency of
 * spreading trials across GPU machines (here, processes on a 2-core CPU).
 */
export async function benchSweepScaling(): Promise<BenchResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sfe-bench-sweep-'));
  const server = await startTemporalDevServer({
    logDir: dir,
    searchAttributes: { SfeStage: 'Keyword', SfeStatus: 'Keyword', SfeConfigHash: 'Keyword' },
  });
  const cluster = await openCluster({
    address: server.address,
    namespace: 'default',
    stateDir: dir,
  });
  const makespans: number[] = [];
  try {
    for (const gpuWorkers of [1, 2]) {
      const queues = { cpu: `bench-cpu-${gpuWorkers}`, gpu: `bench-gpu-${gpuWorkers}` };
      const base = baseConfig(path.join(dir, `store-${gpuWorkers}`), queues);
      const resolved = parseConfig(base, 'bench');
      const spec = parseSweepSpec({
        name: `bench-sweep-${gpuWorkers}`,
        seed: 3,
        base,
        space: { 'gan.lr': { type: 'loguniform', low: 1e-4, high: 1e-2 } },
        strategy: { kind: 'random' },
        trials: TRIALS,
        concurrency: 2,
        objective: { metric: 'detectionAuroc', direction: 'maximize' },
      });
      const workers = [
        spawnWorkerProcess({
          address: server.address,
          namespace: 'default',
          queue: { role: 'cpu', taskQueue: queues.cpu, slots: 2 },
          backend: 'wasm',
          graceSeconds: 2,
          logLevel: 'ERROR',
        }),
        ...Array.from({ length: gpuWorkers }, () =>
          spawnWorkerProcess({
            address: server.address,
            namespace: 'default',
            queue: { role: 'gpu', taskQueue: queues.gpu, slots: 1 },
            backend: 'wasm',
            graceSeconds: 2,
            logLevel: 'ERROR',
          }),
        ),
      ];
      try {
        const handle = await launchSweep(cluster.client, {
          sweepId: spec.name!,
          spec,
          storageUri: resolved.storage.uri,
          cpuQueue: queues.cpu,
          maxResource: resolved.gan.iterations,
        });
        await handle.result();
        const description = await handle.describe();
        makespans.push((description.closeTime!.getTime() - description.startTime.getTime()) / 1000);
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    }
  } finally {
    await cluster.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const [one, two] = makespans as [number, number];
  const notes = `${TRIALS} trials, cap 2, wasm, 2 CPU cores`;
  return [
    { name: 'sweep makespan, 1 GPU worker', value: one, unit: 's', notes },
    { name: 'sweep makespan, 2 GPU workers', value: two, unit: 's', notes },
    { name: 'sweep scaling efficiency (T1 / (2·T2))', value: one / (2 * two), unit: '', notes },
  ];
}
