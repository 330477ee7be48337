import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError } from '@temporalio/client';
import {
  experimentIdFor,
  experimentInput,
  launchExperiment,
  startExperiment,
  viewExperiment,
  type ExperimentHandle,
} from '../../client/experiments.js';
import type { ExperimentConfigInput } from '../../config-schema/experiment-schema.js';
import { configHash, parseConfig } from '../../config-schema/load-config.js';
import type { AttackSummary } from '../../dataset/attack/attack-photos.js';
import { readManifest } from '../../store/artifact-commit.js';
import { openStore } from '../../store/open-store.js';
import type { ExperimentResult } from '../../workflows/experiment-state.js';
import { STAGES } from '../../pipeline/stage-ref.js';
import { readDatasetManifest } from '../../pipeline/stages/dataset-stage.js';
import {
  BLUE_CLASS,
  COLOUR_FEATURE_LAYER,
  RED_CLASS,
  twoColourPhoto,
  writeColourClassifier,
} from '../fixtures/colour-classifier.js';
import { writeTree } from '../dataset/fixtures.js';
import { catchWindow, slowGan } from '../fixtures/tiny-demo-config.js';
import { s3TestEndpoint } from '../setup/services.js';
import { startDeployment, type Deployment } from './experiment-fixture.js';

type PhotoData = Exclude<ExperimentConfigInput['data'], { kind: 'demo' }>;

async function launch(d: Deployment, input: ExperimentConfigInput): Promise<ExperimentHandle> {
  const config = parseConfig(input, 'test config');
  const hash = configHash(config);
  const { handle } = await launchExperiment(d.cluster.client, config, {
    experimentId: experimentIdFor(config, hash),
    configHash: hash,
    force: [],
  });
  return handle;
}

async function store(d: Deployment, prefix: string) {
  return openStore(`s3://${d.bucket}/${prefix}`, { s3: await s3TestEndpoint() });
}

describe('experiment workflow end to end (dev server, versitygw, worker processes)', function () {
  this.timeout(600_000);
  let d: Deployment;
  let first: ExperimentResult;

  before(async () => {
    d = await startDeployment();
    d.startWorker('cpu');
    d.startWorker('gpu');
  });

  after(async () => {
    await d?.close();
  });

  it('runs a tiny experiment through all eight stages and writes the report', async () => {
    first = await (await launch(d, d.config('e2e-first', 'first'))).result();
    assert.deepEqual(
      first.stages.map((s) => [s.stage, s.cached]),
      ['dataset', 'targetModel', 'features', 'gan', 'defense', 'advd', 'evaluation', 'report'].map(
        (s) => [s, false],
      ),
    );
    const s = await store(d, 'first');
    const report = await readManifest(s, first.reportKey!);
    assert.ok(report, 'the report artifact is committed');
    const html = new TextDecoder().decode(await s.get('experiments/e2e-first/report.html'));
    assert.match(html, /<table/);
    const metrics = JSON.parse(
      new TextDecoder().decode(await s.get('experiments/e2e-first/metrics.json')),
    ) as {
      accuracy: { adversarial: unknown };
    };
    assert.ok(metrics.accuracy.adversarial);
    for (const key of [
      'adversarialUndefended',
      'adversarialDefended',
      'benignUndefended',
      'detectionAuroc',
    ]) {
      assert.equal(typeof first.headline[key], 'number', key);
    }
  });

  it('a second launch of the same config recomputes nothing', async () => {
    const again = await (await launch(d, d.config('e2e-first', 'first'))).result();
    assert.deepEqual(
      again.stages.map((s) => s.cached),
      STAGES.map(() => true),
    );
    assert.deepEqual(again.headline, first.headline);
  });

  /** Waits until the GAN stage is between `from` and `to` iterations; returns its worker's identity. */
  async function waitForGan(
    handle: ExperimentHandle,
    from: number,
    to: number,
  ): Promise<{ worker: string; done: number }> {
    for (;;) {
      const view = await viewExperiment(handle);
      assert.equal(
        view.status,
        'RUNNING',
        `experiment ended before the interruption: ${view.failure ?? ''}`,
      );
      const p = view.progress;
      if (
        view.state?.stage === 'gan' &&
        p?.unit === 'iterations' &&
        p.done >= from &&
        view.worker
      ) {
        assert.ok(p.done < to, `the GAN ran past ${to} iterations before the test caught it`);
        return { worker: view.worker, done: p.done };
      }
      await sleep(50);
    }
  }

  const { from: CATCH_FROM, by: CATCH_BY, checkpointed: CHECKPOINTED } = catchWindow(slowGan);
  let reference: ExperimentResult;
  const ganOf = (r: ExperimentResult) => r.stages.find((s) => s.stage === 'gan')!;

  async function checkpointIterations(prefix: string, result: ExperimentResult): Promise<number[]> {
    // Each test stores under its own prefix, so it holds this one training's checkpoints only.
    assert.ok(ganOf(result));
    const keys = await (await store(d, prefix)).list('stages/gan-checkpoints/');
    return keys
      .filter((k) => k.endsWith('MANIFEST.json'))
      .map((k) => Number(/iter-(\d+)/.exec(k)![1]));
  }

  it('survives a GPU worker killed (SIGKILL) mid-training, resuming from its checkpoint with identical results', async () => {
    const config = d.config('e2e-killed', 'killed', slowGan);
    reference = await (
      await launch(d, {
        ...config,
        name: 'e2e-uninterrupted',
        storage: { uri: `s3://${d.bucket}/uninterrupted` },
      })
    ).result();

    const handle = await launch(d, config);
    const running = await waitForGan(handle, CATCH_FROM, CATCH_BY);
    d.workerOf(running.worker).kill('SIGKILL');
    d.startWorker('gpu');
    const resumed = await handle.result();
    const checkpoints = await checkpointIterations('killed', resumed);
    assert.ok(
      checkpoints.some((i) => i >= CHECKPOINTED && i <= running.done),
      `a checkpoint before the kill at ${running.done}: ${checkpoints}`,
    );
    assert.equal(
      ganOf(resumed).digest,
      ganOf(reference).digest,
      'the resumed GAN ends with the same weights',
    );
    assert.deepEqual(resumed.headline, reference.headline);
  });

  it('a GPU worker stopped with SIGTERM checkpoints the running training where it stands, and the retry resumes there', async () => {
    // No scheduled checkpoints before the end: any other one was written by the interruption.
    const handle = await launch(
      d,
      d.config('e2e-sigterm', 'sigterm', { gan: { ...slowGan.gan, checkpointEvery: 100_000 } }),
    );
    const running = await waitForGan(handle, CATCH_FROM, CATCH_BY);
    const worker = d.workerOf(running.worker);
    worker.kill('SIGTERM');
    const stoppedIn = Date.now();
    await worker.exited;
    assert.ok(
      Date.now() - stoppedIn < 30_000,
      'the worker stopped within its grace time and one iteration',
    );
    d.startWorker('gpu');
    const resumed = await handle.result();
    const checkpoints = await checkpointIterations('sigterm', resumed);
    assert.ok(
      checkpoints.some((i) => i >= running.done && i < slowGan.gan.iterations),
      `a checkpoint written at the interruption (after ${running.done}): ${checkpoints}`,
    );
    assert.equal(
      ganOf(resumed).digest,
      ganOf(reference).digest,
      'same weights as the uninterrupted run',
    );
  });

  it('a second launch while running attaches; a cancelled experiment resumes, reusing its finished stages', async () => {
    const config = d.config('e2e-resume', 'resume', slowGan);
    const handle = await launch(d, config);
    await waitForGan(handle, slowGan.gan.checkpointEvery / 4, CATCH_BY);
    const parsed = parseConfig(config, 'test config');
    const again = await launchExperiment(d.cluster.client, parsed, {
      experimentId: 'e2e-resume',
      configHash: configHash(parsed),
      force: [],
    });
    assert.equal(again.attached, true);
    assert.equal((await again.handle.describe()).runId, (await handle.describe()).runId);
    const changed = parseConfig({ ...config, seed: 4 }, 'test config');
    await assert.rejects(
      launchExperiment(d.cluster.client, changed, {
        experimentId: 'e2e-resume',
        configHash: configHash(changed),
        force: [],
      }),
      /experiment e2e-resume is already running with another config .*sfe cancel e2e-resume/,
    );

    await handle.cancel();
    await assert.rejects(handle.result());
    assert.equal((await viewExperiment(handle)).status, 'CANCELLED');
    const input = { ...(await experimentInput(handle)), force: [] };
    const resumed = await startExperiment(d.cluster.client, input);
    const result = await resumed.result();
    assert.deepEqual(result.stages.map((s) => [s.stage, s.cached]).slice(0, 3), [
      ['dataset', true],
      ['targetModel', true],
      ['features', true],
    ]);
    assert.equal(
      ganOf(result).digest,
      ganOf(reference).digest,
      'the resumed training ends as the uninterrupted one',
    );
  });

  /** Three red and three blue photos and the colour classifier as the pretrained target model. */
  async function colourPhotoExperiment(
    name: string,
    data: Pick<PhotoData, 'adversarialFrom' | 'filtration' | 'attack'>,
  ): Promise<ExperimentConfigInput> {
    const root = path.join(d.logDir, name);
    const files: Record<string, Buffer> = {};
    for (let n = 0; n < 3; n++) {
      files[`${RED_CLASS}/${n}.jpg`] = await twoColourPhoto('red', n);
      files[`${BLUE_CLASS}/${n}.jpg`] = await twoColourPhoto('blue', 100 + n);
    }
    await writeTree(path.join(root, 'photos'), files);
    return {
      ...d.config(`e2e-${name}`, name),
      data: {
        kind: 'folder',
        benignRoot: path.join(root, 'photos'),
        classes: [RED_CLASS, BLUE_CLASS],
        ...data,
      },
      split: { augmentation: { enabled: false } },
      targetModel: {
        kind: 'layers',
        uri: await writeColourClassifier(path.join(root, 'model')),
        inputSize: 32,
        featureLayer: COLOUR_FEATURE_LAYER,
      },
      evaluation: { gradcam: { count: 0 } },
    };
  }

  it('builds the adversarial set by filtration with a pretrained model, in the store, and runs every stage', async () => {
    const result = await (
      await launch(
        d,
        await colourPhotoExperiment('filtration', {
          adversarialFrom: 'filtration',
          filtration: { views: 8 },
        }),
      )
    ).result();
    assert.equal(result.stages.length, STAGES.length);
    const dataset = result.stages.find((stage) => stage.stage === 'dataset')!;
    const filtration = dataset.summary.filtration as Record<string, number>;
    assert.equal(filtration.photos, 6);
    assert.equal(filtration.views, 48);
    assert.equal(filtration.classesKept, 2);
    // The adversarial images are exactly the ones the model got wrong, the benign ones those it
    // got right: undefended, the model scores 0 and 1 on them, whatever the defense does.
    assert.equal(result.headline.adversarialUndefended, 0);
    assert.equal(result.headline.benignUndefended, 1);
    const s = await store(d, 'filtration');
    const manifest = await readDatasetManifest(s, dataset);
    const paired = manifest.entries.filter((e) => e.role === 'adversarial' || e.role === 'benign');
    assert.ok(paired.every((e) => e.uri.startsWith(`s3://${d.bucket}/filtration/`)));
    assert.ok(
      paired.every((e) => e.augmentation !== null),
      'every view names its photo',
    );
    const html = new TextDecoder().decode(await s.get('experiments/e2e-filtration/report.html'));
    assert.match(html, /Adversarial filtration/);
    const metrics = JSON.parse(
      new TextDecoder().decode(await s.get('experiments/e2e-filtration/metrics.json')),
    ) as { fit: Record<'adversarial' | 'benign', Record<'undefended', { accuracy: number }>> };
    // The training views were sorted by the same model: the fit figures hold the same way.
    assert.equal(metrics.fit.adversarial.undefended.accuracy, 0);
    assert.equal(metrics.fit.benign.undefended.accuracy, 1);
  });

  it('builds the adversarial set by attacking the photos with the target model, and runs every stage', async () => {
    const result = await (
      await launch(
        d,
        await colourPhotoExperiment('attack', {
          adversarialFrom: 'attack',
          attack: { method: 'fgsm', epsilon: 32 / 255, views: 2 },
        }),
      )
    ).result();
    assert.equal(result.stages.length, STAGES.length);
    const dataset = result.stages.find((stage) => stage.stage === 'dataset')!;
    const attack = dataset.summary.attack as AttackSummary;
    assert.deepEqual([attack.photos, attack.views], [6, 12]);
    assert.ok(attack.attackedCorrect < attack.cleanCorrect, JSON.stringify(attack));
    const s = await store(d, 'attack');
    const manifest = await readDatasetManifest(s, dataset);
    const copies = manifest.entries.filter((e) => e.role === 'adversarial');
    assert.ok(copies.every((e) => e.uri.startsWith(`s3://${d.bucket}/attack/`)));
    assert.ok(copies.every((e) => e.uri.endsWith('.png') && e.augmentation?.op.kind === 'attack'));
    const html = new TextDecoder().decode(await s.get('experiments/e2e-attack/report.html'));
    assert.match(html, /<h3>Attack<\/h3><p>FGSM at L∞ ε = 32\/255/);
  });

  it('fails fast, without retries, when a data folder is missing, naming the field and the path', async () => {
    const started = Date.now();
    const handle = await launch(d, {
      ...d.config('e2e-missing', 'missing'),
      data: {
        kind: 'folder',
        adversarialRoot: '/nonexistent/imagenet-a',
        benignRoot: '/nonexistent/imagenet',
      },
      targetModel: { kind: 'layers', uri: '/nonexistent/model.json', featureLayer: 'avg_pool' },
    });
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.match(
        String(err.cause?.message),
        /data\.adversarialRoot: no folder at \/nonexistent\/imagenet-a/,
      );
      return true;
    });
    assert.ok(Date.now() - started < 30_000, 'no retry backoff');
    const view = await viewExperiment(handle);
    assert.equal(view.status, 'FAILED');
  });
});
