import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  experimentIdFor,
  launchExperiment,
  viewExperiment,
  type ExperimentHandle,
} from '../../client/experiments.js';
import type { ExperimentConfigInput } from '../../config-schema/experiment-schema.js';
import { configHash, parseConfig } from '../../config-schema/load-config.js';
import { stagesFrom, type StageName, type StageRef } from '../../pipeline/stage-ref.js';
import { STAGES } from '../../pipeline/stage-ref.js';
import { readManifest } from '../../store/artifact-commit.js';
import { openStore } from '../../store/open-store.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import type { ExperimentResult } from '../../workflows/experiment-state.js';
import { imageFiles, makeJpeg, writeTree } from '../dataset/fixtures.js';
import { BLUE_CLASS, RED_CLASS } from '../fixtures/colour-classifier.js';
import { s3TestEndpoint } from '../setup/services.js';
import { startDeployment, type Deployment } from './experiment-fixture.js';

/**
 * Faults injected on purpose into a real deployment (dev server, versitygw, worker processes):
 * damaged artifacts heal, permanent errors fail once, degenerate or changed data is caught.
 */
describe('integrity and failure handling end to end (issue 13)', function () {
  this.timeout(600_000);
  let d: Deployment;
  let scratch: string;

  before(async () => {
    d = await startDeployment();
    d.startWorker('cpu');
    d.startWorker('gpu');
    scratch = await mkdtemp(path.join(tmpdir(), 'sfe-integrity-'));
  });

  after(async () => {
    await d?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  async function launch(
    input: ExperimentConfigInput,
    force: StageName[] = [],
  ): Promise<ExperimentHandle> {
    const config = parseConfig(input, 'test config');
    const hash = configHash(config);
    const { handle } = await launchExperiment(d.cluster.client, config, {
      experimentId: experimentIdFor(config, hash),
      configHash: hash,
      force,
    });
    return handle;
  }

  async function store(prefix: string): Promise<ArtifactStore> {
    return openStore(`s3://${d.bucket}/${prefix}`, { s3: await s3TestEndpoint() });
  }

  function stage(result: ExperimentResult, name: StageName): StageRef {
    return result.stages.find((s) => s.stage === name)!;
  }

  /** Fails within `seconds` (no retry backoff) with a message matching `pattern`. */
  async function failsAtOnce(handle: ExperimentHandle, pattern: RegExp, seconds = 60) {
    const started = Date.now();
    let message = '';
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      message = String(err.cause?.message);
      assert.match(message, pattern);
      return true;
    });
    assert.ok(Date.now() - started < seconds * 1000, `no retry backoff (${message})`);
    if (process.env.SFE_TEST_PRINT_MESSAGES) console.log(message);
  }

  /** Two wnid classes of benign and adversarial JPEGs; `emptyBenign` leaves one class folder empty. */
  async function folderData(name: string, emptyBenign?: string) {
    const root = path.join(scratch, name);
    const wnids = [RED_CLASS, BLUE_CLASS];
    await writeTree(path.join(root, 'benign'), await imageFiles(wnids, 6));
    await writeTree(path.join(root, 'adversarial'), await imageFiles(wnids, 6, { seedBase: 50 }));
    if (emptyBenign) {
      await rm(path.join(root, 'benign', emptyBenign), { recursive: true });
      await writeTree(path.join(root, 'benign'), { [`${emptyBenign}/`]: '' });
    }
    return {
      root,
      data: {
        kind: 'folder' as const,
        benignRoot: path.join(root, 'benign'),
        adversarialRoot: path.join(root, 'adversarial'),
        classes: wnids,
      },
    };
  }

  it('recomputes a cached stage whose part was altered, and says so in the result and the report', async () => {
    const config = d.config('heal-altered', 'altered');
    await (await launch(config)).result();
    const s = await store('altered');
    const first = await (await launch(config)).result();
    const manifest = (await readManifest(s, stage(first, 'targetModel').key))!;
    const part = manifest.parts[0]!;
    const bytes = await s.get(part.key);
    bytes[0] = bytes[0]! ^ 0xff;
    await s.put(part.key, bytes);

    const healed = await (await launch(config)).result();
    const model = stage(healed, 'targetModel');
    assert.equal(model.cached, false);
    assert.match(model.recomputed ?? '', /its cached artifact was damaged: part .* is corrupt/);
    assert.equal(stage(healed, 'dataset').cached, true);
    const html = new TextDecoder().decode(await s.get('experiments/heal-altered/report.html'));
    assert.match(html, /recomputed: targetModel: its cached artifact was damaged/);
    if (process.env.SFE_TEST_PRINT_MESSAGES) console.log(model.recomputed);
  });

  it('recomputes a cached stage whose part was deleted', async () => {
    const config = d.config('heal-deleted', 'deleted');
    const first = await (await launch(config)).result();
    const s = await store('deleted');
    const manifest = (await readManifest(s, stage(first, 'dataset').key))!;
    await s.delete(manifest.parts.find((p) => p.name === 'classes.json')!.key);

    const healed = await (await launch(config)).result();
    assert.match(stage(healed, 'dataset').recomputed ?? '', /damaged: artifact not found/);
    assert.deepEqual(healed.headline, first.headline);
  });

  it('stops at once, naming the stage and --force, when recomputing a damaged stage fails', async () => {
    const { root, data } = await folderData('garbled');
    const config = { ...d.config('heal-fails', 'heal-fails'), data };
    const first = await (await launch(config)).result();
    const s = await store('heal-fails');
    const manifest = (await readManifest(s, stage(first, 'dataset').key))!;
    await s.delete(manifest.parts[0]!.key);
    // Garbage of the same size and mtime: the fingerprint cannot tell, decoding can.
    const folder = path.join(root, 'adversarial', BLUE_CLASS);
    for (const name of await readdir(folder)) {
      const file = path.join(folder, name);
      const before = await stat(file);
      await writeFile(file, randomBytes(before.size));
      // Whole milliseconds, as the fingerprint rounds them: utimes takes float seconds.
      await utimes(file, before.atime, new Date(Math.round(before.mtimeMs)));
    }
    await failsAtOnce(
      await launch(config),
      /stage dataset failed: the cached artifact of stage dataset was damaged \(artifact not found: .*\) and recomputing it failed: .*; rerun with --force dataset/,
    );
  });

  it('fails the dataset stage once, naming the data, when a class folder is empty', async () => {
    const { data } = await folderData('one-class', BLUE_CLASS);
    await failsAtOnce(
      await launch({ ...d.config('one-class', 'one-class'), data }),
      new RegExp(
        `stage dataset failed: data: the data set is unusable: 1 class\\(es\\) with benign/adversarial pairs \\(${RED_CLASS}: \\d+ pairs\\), at least 2 are needed`,
      ),
    );
  });

  it('recomputes the dataset stage when its input files change under the same config', async () => {
    const { root, data } = await folderData('changing');
    const config = { ...d.config('changing', 'changing'), data };
    const first = await (await launch(config)).result();
    assert.equal(stage(first, 'dataset').cached, false);
    assert.equal(stage(first, 'dataset').recomputed, undefined);
    assert.equal(stage(await (await launch(config)).result(), 'dataset').cached, true);

    await writeFile(path.join(root, 'benign', RED_CLASS, '0.jpg'), await makeJpeg(777));
    const changed = await (await launch(config)).result();
    const dataset = stage(changed, 'dataset');
    assert.equal(dataset.cached, false);
    assert.match(dataset.recomputed ?? '', /the input files changed since the last run/);
    if (process.env.SFE_TEST_PRINT_MESSAGES) console.log(dataset.recomputed);
    assert.equal(stage(await (await launch(config)).result(), 'dataset').cached, true);
  });

  it('recomputes the producing stage when a later stage finds its artifact damaged', async () => {
    const config = d.config('heal-downstream', 'downstream');
    await (await launch(config)).result();
    const s = await store('downstream');
    // With no GPU worker the run waits before targetModel, after dataset checked its artifact:
    // damage done then is found by targetModel, which reads the dataset's classes.
    await Promise.all(d.gpuWorkers().map((w) => w.stop()));
    const handle = await launch(config, stagesFrom('targetModel'));
    let dataset: StageRef | undefined;
    while (dataset === undefined) {
      const view = await viewExperiment(handle);
      dataset = view.state?.stage === 'targetModel' ? view.state.stages[0] : undefined;
      await sleep(200);
    }
    const part = (await readManifest(s, dataset.key))!.parts.find(
      (p) => p.name === 'classes.json',
    )!;
    await s.put(part.key, new TextEncoder().encode('[]'));
    d.startWorker('gpu');

    const healed = await handle.result();
    const recomputed = stage(healed, 'dataset');
    assert.equal(recomputed.cached, false);
    assert.match(recomputed.recomputed ?? '', /targetModel found it damaged: .*is corrupt/);
    assert.equal(healed.stages.length, STAGES.length);
    if (process.env.SFE_TEST_PRINT_MESSAGES) console.log(recomputed.recomputed);
  });

  it('fails at once, without retries, on a bucket that does not exist (no launch check)', async () => {
    await failsAtOnce(
      await launch({
        ...d.config('no-bucket', 'x'),
        storage: { uri: 's3://no-such-bucket-e2e/x' },
      }),
      /stage dataset failed: the bucket does not exist \(NoSuchBucket/,
    );
  });
});
