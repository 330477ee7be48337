import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { formatBackendInfo } from '../ml/backend-info.js';
import { selectBackend, type BackendName } from '../ml/backend.js';
import { GanTrainer } from '../ml/gan/gan-trainer.js';
import { buildInceptionV3, INCEPTION_V3_FEATURE_LAYER } from '../ml/models/inception-v3.js';
import { splitModel } from '../ml/models/split-model.js';
import { Rng } from '../ml/rng.js';
import type { BenchResult } from './result.js';

const INCEPTION_BATCH = 32;
const GAN = { dim: 2048, batch: 64, pairs: 256, iterationsPerRound: 5 };
const ROUNDS = Number(process.env['SFE_BENCH_ROUNDS'] ?? 5);
const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** `tensorflow-gpu` for infra/native/gpu-check.sh. */
const NATIVE: BackendName =
  process.env['SFE_BENCH_NATIVE'] === 'tensorflow-gpu' ? 'tensorflow-gpu' : 'tensorflow';

/** The venv that infra/native/install-tfjs-node.sh filled with the wheel our binding links. */
function kerasPython(): string {
  const pkg = NATIVE === 'tensorflow-gpu' ? 'tfjs-node-gpu' : 'tfjs-node';
  const built = realpathSync(join(REPO, `node_modules/@tensorflow/${pkg}/.source`));
  return join(built, '..', 'venv', 'bin', 'python');
}

/** A long-lived Keras process answering one timing request per line. */
function startPeer() {
  const child = spawn(kerasPython(), [join(REPO, 'bench/keras/peer.py')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async time(request: object): Promise<number> {
      child.stdin.write(`${JSON.stringify(request)}\n`);
      const next = await lines.next();
      if (next.done) throw new Error('the Keras peer exited');
      return (JSON.parse(next.value as string) as { seconds: number }).seconds;
    },
    close: () => child.stdin.end(),
  };
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
}

function result(
  name: string,
  unit: string,
  ours: number[],
  keras: number[],
  backend: string,
): BenchResult[] {
  const o = stats(ours);
  const k = stats(keras);
  const spread = (s: ReturnType<typeof stats>) =>
    `min ${s.min.toPrecision(3)} / median ${s.median.toPrecision(3)} / max ${s.max.toPrecision(3)}`;
  return [
    {
      name,
      value: o.median,
      unit,
      backend,
      notes: `ours: ${spread(o)}, ${ours.length} interleaved rounds`,
    },
    { name, value: k.median, unit, backend: 'keras', notes: `Keras: ${spread(k)}` },
    { name: `${name} ratio ours/Keras`, value: o.median / k.median, unit: '×', backend },
  ];
}

/**
 * Our native backend against Keras on the same TensorFlow wheel, in one run, rounds interleaved
 * (ours, Keras, ours, …) so that load from other processes hits both alike: InceptionV3 avg_pool
 * features (batch 32, 299², random weights) and SFE GAN iterations (d = 2048, batch 64).
 */
export async function benchNativeVsKeras(): Promise<BenchResult[]> {
  const choice = await selectBackend(NATIVE, () => {});
  const backend = formatBackendInfo(choice.info, choice.active);
  const peer = startPeer();
  try {
    const model = buildInceptionV3();
    const backbone = splitModel(model, INCEPTION_V3_FEATURE_LAYER).backbone;
    const images = tf.randomUniform([INCEPTION_BATCH, 299, 299, 3], -1, 1) as tf.Tensor4D;
    const inceptionBatch = () => {
      const start = performance.now();
      tf.tidy(() => (backbone.predict(images) as tf.Tensor).dataSync());
      return (performance.now() - start) / 1000;
    };
    inceptionBatch(); // warm-up
    const ours: number[] = [];
    const keras: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(INCEPTION_BATCH / inceptionBatch());
      keras.push(INCEPTION_BATCH / (await peer.time({ op: 'inception', batch: INCEPTION_BATCH })));
    }
    images.dispose();
    model.dispose();
    const results = result('InceptionV3 avg_pool features', 'images/s', ours, keras, backend);

    const rng = Rng.fromSeed(1);
    const benign = tf.tensor2d(
      rng.fill(GAN.pairs * GAN.dim, () => rng.normal()),
      [GAN.pairs, GAN.dim],
    );
    const adversarial = tf.tidy(() => tf.add(benign, 0.5) as tf.Tensor2D);
    const trainer = new GanTrainer({ benign, adversarial }, { batchSize: GAN.batch }, 1);
    await trainer.run({ to: 2 });
    const gOurs: number[] = [];
    const gKeras: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now();
      await trainer.run({ to: trainer.iteration + GAN.iterationsPerRound });
      gOurs.push(GAN.iterationsPerRound / ((performance.now() - start) / 1000));
      const seconds = await peer.time({ op: 'gan', iterations: GAN.iterationsPerRound });
      gKeras.push(GAN.iterationsPerRound / seconds);
    }
    trainer.dispose();
    tf.dispose([benign, adversarial]);
    results.push(...result('GAN training d=2048 batch 64', 'iterations/s', gOurs, gKeras, backend));
    return results;
  } finally {
    peer.close();
  }
}
