import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { formatBackendInfo } from '../ml/backend-info.js';
import { selectBackend, type BackendName } from '../ml/backend.js';
import { GanTrainer } from '../ml/gan/gan-trainer.js';
import { buildInceptionV3, INCEPTION_V3_FEATURE_LAYER } from '../ml/models/inception-v3.js';
import { compileSplitForward } from '../ml/models/split-forward.js';
import { splitModel, type SplitModel } from '../ml/models/split-model.js';
import { Rng } from '../ml/rng.js';
import { FEATURE_EXTRACTION_NAME, prepareExtraction } from './feature-extraction.js';
import type { BenchResult } from './result.js';

const INCEPTION_BATCH = 32;
/** The features stage: two batches, the second decoding during the first forward pass. */
const FEATURES = { images: 64, batch: 32 };
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

interface Rounds {
  ours: number[];
  keras: number[];
}

/** ROUNDS rounds of ours then Keras, so that load from other processes hits both alike. */
async function interleaved(
  ours: (round: number) => Promise<number>,
  keras: (round: number) => Promise<number>,
): Promise<Rounds> {
  const rounds: Rounds = { ours: [], keras: [] };
  for (let round = 0; round < ROUNDS; round++) {
    rounds.ours.push(await ours(round));
    rounds.keras.push(await keras(round));
  }
  return rounds;
}

function result(name: string, unit: string, rounds: Rounds, backend: string): BenchResult[] {
  const o = stats(rounds.ours);
  const k = stats(rounds.keras);
  const spread = (s: ReturnType<typeof stats>) =>
    `min ${s.min.toPrecision(3)} / median ${s.median.toPrecision(3)} / max ${s.max.toPrecision(3)}`;
  return [
    {
      name,
      value: o.median,
      unit,
      backend,
      notes: `ours: ${spread(o)}, ${rounds.ours.length} interleaved rounds`,
    },
    { name, value: k.median, unit, backend: 'keras', notes: `Keras: ${spread(k)}` },
    { name: `${name} ratio ours/Keras`, value: o.median / k.median, unit: '×', backend },
  ];
}

type Peer = ReturnType<typeof startPeer>;

/**
 * One random batch through the model as the features stage runs it (compileSplitForward: one
 * TensorFlow graph where the backend runs graphs), as Keras's peer traces its own. Ours also
 * computes the head's 1000 classes, under 0.1% of the work, which the peer leaves out.
 */
async function inceptionFigure(peer: Peer, split: SplitModel, backend: string) {
  const images = tf.randomUniform([INCEPTION_BATCH, 299, 299, 3], -1, 1) as tf.Tensor4D;
  const forward = compileSplitForward(split);
  const inceptionBatch = () => {
    const start = performance.now();
    tf.tidy(() => forward.run(images)[0].dataSync());
    return (performance.now() - start) / 1000;
  };
  inceptionBatch(); // warm-up
  const rounds = await interleaved(
    () => Promise.resolve(INCEPTION_BATCH / inceptionBatch()),
    async () => INCEPTION_BATCH / (await peer.time({ op: 'inception', batch: INCEPTION_BATCH })),
  );
  images.dispose();
  forward.dispose();
  return result('InceptionV3 avg_pool features', 'images/s', rounds, backend);
}

/**
 * The features stage end to end on JPEG files: ours is the product's extractFeatures; Keras
 * reads, decodes and resizes the same files with tf.data and writes the same arrays to .npz.
 */
async function featuresFigure(peer: Peer, split: SplitModel, backend: string) {
  const dir = await mkdtemp(join(tmpdir(), 'sfe-bench-native-vs-keras-'));
  try {
    const extraction = await prepareExtraction(dir, split, FEATURES.images, FEATURES.batch);
    const { size, resize, preprocessing } = extraction.images;
    const files = extraction.sources.map((s) => s.uri);
    const keras = (out: string, some = files) =>
      peer.time({
        op: 'features',
        files: some,
        batch: FEATURES.batch,
        size,
        resize,
        preprocessing,
        out: join(dir, out),
      });
    await extraction.time('warm-up', extraction.sources.slice(0, FEATURES.batch));
    await keras('warm-up.npz', files.slice(0, FEATURES.batch));
    const rounds = await interleaved(
      async (round) => FEATURES.images / (await extraction.time(`ours-${round}`)),
      async (round) => FEATURES.images / (await keras(`keras-${round}.npz`)),
    );
    extraction.dispose();
    const name = `${FEATURE_EXTRACTION_NAME}, ${FEATURES.images} images, batch ${FEATURES.batch}`;
    const { mode, compileSeconds } = extraction.forward;
    return result(
      name,
      'images/s',
      rounds,
      `${backend}, model run ${mode} (compiled once in ${compileSeconds.toFixed(1)} s)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function ganFigure(peer: Peer, backend: string) {
  const rng = Rng.fromSeed(1);
  const benign = tf.tensor2d(
    rng.fill(GAN.pairs * GAN.dim, () => rng.normal()),
    [GAN.pairs, GAN.dim],
  );
  const adversarial = tf.tidy(() => tf.add(benign, 0.5) as tf.Tensor2D);
  const trainer = new GanTrainer({ benign, adversarial }, { batchSize: GAN.batch }, 1);
  await trainer.run({ to: 2 });
  const rounds = await interleaved(
    async () => {
      const start = performance.now();
      await trainer.run({ to: trainer.iteration + GAN.iterationsPerRound });
      return GAN.iterationsPerRound / ((performance.now() - start) / 1000);
    },
    async () =>
      GAN.iterationsPerRound / (await peer.time({ op: 'gan', iterations: GAN.iterationsPerRound })),
  );
  trainer.dispose();
  tf.dispose([benign, adversarial]);
  return result('GAN training d=2048 batch 64', 'iterations/s', rounds, backend);
}

/**
 * Our native backend against Keras on the same TensorFlow wheel, in one run, rounds interleaved:
 * InceptionV3 avg_pool features (batch 32, 299², random weights), the features stage end to end
 * (JPEG files → features and probabilities on disk) and SFE GAN iterations (d = 2048, batch 64).
 */
export async function benchNativeVsKeras(): Promise<BenchResult[]> {
  const choice = await selectBackend(NATIVE, () => {});
  const backend = formatBackendInfo(choice.info, choice.active);
  const peer = startPeer();
  try {
    const model = buildInceptionV3();
    const results: BenchResult[] = [];
    try {
      const split = splitModel(model, INCEPTION_V3_FEATURE_LAYER);
      results.push(...(await inceptionFigure(peer, split, backend)));
      results.push(...(await featuresFigure(peer, split, backend)));
    } finally {
      model.dispose();
    }
    results.push(...(await ganFigure(peer, backend)));
    return results;
  } finally {
    peer.close();
  }
}
