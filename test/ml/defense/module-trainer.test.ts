import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../ml/backend.js';
import { buildFreshModule } from '../../../ml/defense/defense-modules.js';
import type { DefenseModuleKind } from '../../../ml/defense/defense-options.js';
import type { DropoutSeeds } from '../../../ml/advd/seeded-dropout.js';
import { buildGenerator } from '../../../ml/gan/generator.js';
import {
  ModuleTrainer,
  type LabelledFeatures,
  type ModuleTrainingData,
} from '../../../ml/defense/module-trainer.js';
import { Rng } from '../../../ml/rng.js';
import { initializeDenseLayers } from '../../../ml/training/seeded-init.js';
import { syntheticPairs } from '../gan/synthetic-features.js';

const DIM = 16;
const CLASSES = 4;
const PAIRS = 128;

/** A frozen softmax head that reads the benign class prototypes only loosely. */
function frozenHead(): tf.Sequential {
  const head = tf.sequential();
  head.add(tf.layers.dense({ units: CLASSES, inputShape: [DIM], activation: 'softmax' }));
  initializeDenseLayers(head, Rng.fromSeed(99));
  return head;
}

function syntheticData(): ModuleTrainingData {
  const { benign, adversarial } = syntheticPairs(5, { pairs: PAIRS, dim: DIM, classes: CLASSES });
  const labels = Int32Array.from({ length: PAIRS }, (_, i) => i % CLASSES);
  return { benign: { features: benign, labels }, adversarial: { features: adversarial, labels } };
}

const OPTIONS = { benignEpochs: 3, adversarialEpochs: 3, lr: 1e-3, batchSize: 32 };

/** A PG as the GAN stage hands it over: the generator architecture with weights of its own. */
function givenPg(): tf.Sequential {
  const pg = buildGenerator(DIM, { hidden: [32, 32], leakyAlpha: 0.2, bnMomentum: 0.8 });
  initializeDenseLayers(pg, Rng.fromSeed(42));
  return pg;
}

/** How the defense stage builds each trained module: fine-tuning keeps the PG's weights. */
const TRAINED_MODULES: {
  kind: Exclude<DefenseModuleKind, 'sfe-pg'>;
  build: (seeds: DropoutSeeds) => tf.Sequential;
  initialize: boolean;
}[] = [
  {
    kind: 'one-layer',
    build: (seeds) => buildFreshModule('one-layer', DIM, seeds),
    initialize: true,
  },
  {
    kind: 'autoencoder',
    build: (seeds) => buildFreshModule('autoencoder', DIM, seeds),
    initialize: true,
  },
  { kind: 'sfe-pg-finetuned', build: givenPg, initialize: false },
];

describe('defense modules trained through the frozen head', function () {
  this.timeout(300_000);
  let head: tf.Sequential;
  let data: ModuleTrainingData;

  before(async () => {
    await selectBackend('wasm', () => {});
    head = frozenHead();
    data = syntheticData();
  });
  after(() => {
    head.dispose();
    tf.dispose([data.benign.features, data.adversarial.features]);
  });

  const headAccuracy = (part: LabelledFeatures): number =>
    tf.tidy(() => {
      const predicted = (head.predict(part.features) as tf.Tensor2D).argMax(1).dataSync();
      return predicted.filter((p, i) => p === part.labels[i]).length / predicted.length;
    });

  for (const { kind, build, initialize } of TRAINED_MODULES) {
    it(`${kind}: lowers its loss and raises the training accuracy through the head`, async () => {
      const headWeights = head.getWeights().map((w) => w.dataSync().slice());
      const trainer = new ModuleTrainer(
        build,
        head,
        data,
        { ...OPTIONS, benignEpochs: 8, adversarialEpochs: 8 },
        1,
        { initialize },
      );
      try {
        if (!initialize) {
          // Fine-tuning starts from the given weights, not from a fresh initialisation.
          const given = givenPg();
          const start = trainer.moduleTensors();
          given.weights.forEach((w) =>
            assert.deepEqual(start[`module/${w.originalName}`]!.dataSync(), w.read().dataSync()),
          );
          given.dispose();
          tf.dispose(Object.values(start));
        }
        const before = trainer.accuracy(data.adversarial);
        await trainer.run();
        const after = trainer.accuracy(data.adversarial);
        const history = trainer.losses;
        const first = (phase: string) => history.find((r) => r.phase === phase)!.loss;
        const last = (phase: string) => history.findLast((r) => r.phase === phase)!.loss;
        assert.equal(history.length, 16);
        assert.ok(
          last('benign') < first('benign'),
          `benign loss ${first('benign')} → ${last('benign')}`,
        );
        assert.ok(
          last('adversarial') < first('adversarial'),
          `adversarial loss ${first('adversarial')} → ${last('adversarial')}`,
        );
        // The head alone on the raw adversarial features is the undefended baseline.
        const undefended = headAccuracy(data.adversarial);
        assert.ok(
          after > Math.max(before, undefended) + 0.2,
          `training accuracy ${before} (untrained module), ${undefended} (no module) → ${after}`,
        );
        // Frozen: the head's weights are as they were.
        head.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), headWeights[i]));
      } finally {
        trainer.dispose();
      }
    });
  }

  it('resumes from an exported state to the same weights as an uninterrupted run', async () => {
    const make = () =>
      new ModuleTrainer(
        (seeds) => buildFreshModule('autoencoder', DIM, seeds),
        head,
        data,
        OPTIONS,
        7,
      );
    const whole = make();
    const first = make();
    const resumed = make();
    try {
      await whole.run();
      await first.run(undefined, 4);
      const state = await first.exportState();
      await resumed.importState(state);
      tf.dispose(Object.values(state.tensors));
      await resumed.run();
      assert.deepEqual(resumed.losses, whole.losses);
      const a = whole.moduleTensors();
      const b = resumed.moduleTensors();
      for (const name of Object.keys(a))
        assert.deepEqual(b[name]!.dataSync(), a[name]!.dataSync(), name);
      tf.dispose([...Object.values(a), ...Object.values(b)]);
    } finally {
      [whole, first, resumed].forEach((t) => t.dispose());
    }
  });
});
