import assert from 'node:assert/strict';
import { configHash, parseConfig } from '../../config-schema/load-config.js';

/** The least a real-data experiment must say: where the images and the model are. */
const minimalReal = {
  data: { kind: 'folder', adversarialRoot: 'imagenet-a', benignRoot: 'imagenet/val' },
  targetModel: { uri: 'models/inceptionv3/model.json' },
};

describe('experiment config defaults (SPEC §2)', () => {
  const config = parseConfig(minimalReal, 'minimal');

  it('top level: seed 0, backend auto, no name', () => {
    assert.equal(config.seed, 0);
    assert.equal(config.backend, 'auto');
    assert.equal(config.name, undefined);
  });

  it('data: the 200 ImageNet-A classes, every image, at least 2 per class, roots as given', () => {
    assert.equal(config.data.kind, 'folder');
    assert.equal(config.data.classes, 'imagenet-a');
    assert.equal(config.data.adversarialFrom, 'root');
    assert.equal(config.data.adversarialRoot, 'imagenet-a');
    assert.equal(config.data.benignRoot, 'imagenet/val');
    assert.equal(config.data.imagenetORoot, undefined);
    assert.deepEqual(config.data.sampling, { seed: 0, minImagesPerClass: 2 });
  });

  it('split: leak-free, 80/20, 5 augmented copies of training images', () => {
    assert.deepEqual(config.split, {
      protocol: 'leak-free',
      trainFraction: 0.8,
      seed: 0,
      augmentation: { enabled: true, copies: 5 },
    });
  });

  it('target model: InceptionV3 at 299×299, Keras preprocessing, avg_pool features', () => {
    assert.deepEqual(config.targetModel, {
      kind: 'inceptionv3',
      uri: 'models/inceptionv3/model.json',
      inputSize: 299,
      resize: 'shorter-side-crop',
      preprocessing: 'keras',
      featureLayer: 'avg_pool',
      head: { outputs: 'probabilities', labelOffset: 0 },
    });
    assert.deepEqual(config.featureExtraction, { batchSize: 32 });
  });

  it('GAN: 256→512→1024, LeakyReLU 0.2, BN 0.8, Adam 1e-5/0.5, batch 64, 25,000 iterations', () => {
    assert.deepEqual(config.gan, {
      hidden: [256, 512, 1024],
      leakyAlpha: 0.2,
      bnMomentum: 0.8,
      discriminatorHidden: [512, 256],
      lr: 1e-5,
      beta1: 0.5,
      beta2: 0.999,
      batchSize: 64,
      iterations: 25_000,
      mseWeight: 0.999,
      advWeight: 0.001,
      discriminator: 'separate',
      checkpointEvery: 1000,
      seed: 0,
    });
  });

  it('defense: the SFE PG; module training per the follow-up work (Adam 1e-4, batch 64, 5+10 epochs)', () => {
    assert.deepEqual(config.defense, {
      module: 'sfe-pg',
      benignEpochs: 5,
      adversarialEpochs: 10,
      lr: 1e-4,
      batchSize: 64,
      mseWeight: 1,
      crossEntropyWeight: 1,
      checkpointEvery: 1,
      seed: 0,
    });
  });

  it('AdvD: 512→256→128→64, dropout 0.5/0.5/0.5/0.25, SGD 1e-4 Nesterov 0.9, 25 epochs', () => {
    assert.deepEqual(config.advd, {
      layers: [512, 256, 128, 64],
      dropout: [0.5, 0.5, 0.5, 0.25],
      lr: 1e-4,
      momentum: 0.9,
      nesterov: true,
      epochs: 25,
      batchSize: 256,
      validationFraction: 0.2,
      patience: 10,
      seed: 0,
    });
  });

  it('evaluation: threshold 0.5, TPR at 5% FPR, FPR at 95% TPR, ImageNet-O off', () => {
    assert.deepEqual(config.evaluation, {
      detection: { threshold: 0.5, tprAtFpr: 0.05 },
      imagenetO: { enabled: false, fprAtTpr: 0.95 },
      gradcam: { count: 8 },
    });
  });

  it('storage ./runs; Temporal: default namespace, sfe-cpu/sfe-gpu, 300 s heartbeat timeout', () => {
    assert.deepEqual(config.storage, { uri: './runs' });
    assert.deepEqual(config.temporal, {
      namespace: 'default',
      taskQueues: { cpu: 'sfe-cpu', gpu: 'sfe-gpu' },
      heartbeatTimeoutSeconds: 300,
    });
  });

  it('the demo world: 4 classes of 32×32 images, 40 per class, cue agreement 0.9', () => {
    const demo = parseConfig({ data: { kind: 'demo' }, targetModel: { kind: 'small-cnn' } }, 'x');
    assert.deepEqual(demo.data, {
      kind: 'demo',
      classes: 4,
      imageSize: 32,
      cueAgreement: 0.9,
      sampling: { seed: 0, imagesPerClass: 40 },
    });
    assert.deepEqual(demo.targetModel.training, {
      filters: [16, 32, 64],
      epochs: 10,
      batchSize: 32,
      lr: 1e-3,
      seed: 0,
    });
  });
});

describe('experiment config seeds', () => {
  it('fills every unset stage seed from the experiment seed and keeps the ones given', () => {
    const config = parseConfig({ ...minimalReal, seed: 11, gan: { seed: 5 } }, 'x');
    assert.equal(config.data.sampling.seed, 11);
    assert.equal(config.split.seed, 11);
    assert.equal(config.gan.seed, 5);
    assert.equal(config.advd.seed, 11);
  });
});

describe('configHash', () => {
  it('is a sha256 that ignores key order and follows every resolved value', () => {
    const a = parseConfig(minimalReal, 'a');
    const reordered = parseConfig(
      { targetModel: minimalReal.targetModel, data: { ...minimalReal.data } },
      'b',
    );
    const explicitDefault = parseConfig({ ...minimalReal, gan: { iterations: 25_000 } }, 'c');
    const changed = parseConfig({ ...minimalReal, gan: { iterations: 24_999 } }, 'd');
    assert.match(configHash(a), /^[0-9a-f]{64}$/);
    assert.equal(configHash(reordered), configHash(a));
    assert.equal(configHash(explicitDefault), configHash(a));
    assert.notEqual(configHash(changed), configHash(a));
  });
});
