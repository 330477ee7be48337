import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../ml/backend.js';
import { buildFreshModule } from '../../../ml/defense/defense-modules.js';
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

  for (const kind of ['one-layer', 'autoencoder'] as const) {
    it(`${kind}: lowers its loss and raises the training accuracy through the head`, async () => {
      const headWeights = head.getWeights().map((w) => w.dataSync().slice());
      const trainer = new ModuleTrainer(
        (seeds) => buildFreshModule(kind, DIM, seeds),
        head,
        data,
        { ...OPTIONS, benignEpochs: 8, adversarialEpochs: 8 },
        1,
      );
      try {
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
