import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../ml/backend.js';
import { GanTrainer } from '../ml/gan/gan-trainer.js';
import { Rng } from '../ml/rng.js';
import type { BenchResult } from './result.js';

const DIM = 2048;
const BATCH = 64;
const PAIRS = 256;

export interface GanBenchOptions {
  /** Timed iterations per backend; default 20, but 3 on the pure-JS cpu backend (~18 s each). */
  iterations?: number;
  /** Untimed iterations first (kernel set-up, first allocations). */
  warmup?: number;
}

/**
 * SFE GAN training speed at the paper's size (d = 2048, batch 64, SPEC widths) on each backend
 * that loads here. Peak RSS is the process's so far, so with several backends in one process
 * the later ones include the earlier ones; run one backend per process for separate figures.
 */
export async function benchGanTraining(
  backends: BackendName[] = ['wasm', 'cpu'],
  { iterations: fixedIterations, warmup = 2 }: GanBenchOptions = {},
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const backend of backends) {
    const iterations = fixedIterations ?? (backend === 'cpu' ? 3 : 20);
    try {
      await selectBackend(backend, () => {});
    } catch (error) {
      results.push({
        name: 'gan-training',
        value: NaN,
        unit: 'iterations/s',
        backend,
        notes: `backend unavailable: ${String(error)}`,
      });
      continue;
    }
    const rng = Rng.fromSeed(1);
    const benign = tf.tensor2d(
      rng.fill(PAIRS * DIM, () => rng.normal()),
      [PAIRS, DIM],
    );
    const adversarial = tf.tidy(() => tf.add(benign, 0.5) as tf.Tensor2D);
    const trainer = new GanTrainer({ benign, adversarial }, { batchSize: BATCH }, 1);
    await trainer.run({ to: warmup });
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await trainer.run({ to: warmup + iterations });
    const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    trainer.dispose();
    tf.dispose([benign, adversarial]);
    results.push({
      name: 'gan-training',
      value: iterations / seconds,
      unit: 'iterations/s',
      backend,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      notes: `d=${DIM}, batch ${BATCH}, ${iterations} iterations after ${warmup} warm-up; ${(seconds / iterations).toFixed(2)} s/iteration wall, ${(cpuSeconds / iterations).toFixed(2)} s CPU`,
    });
  }
  return results;
}
