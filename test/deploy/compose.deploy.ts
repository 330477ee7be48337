import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { openCluster, type Cluster } from '../../client/cluster.js';
import {
  experimentIdFor,
  launchExperiment,
  viewExperiment,
  type ExperimentHandle,
} from '../../client/experiments.js';
import type { ExperimentConfigInput } from '../../config-schema/experiment-schema.js';
import { configHash, parseConfig } from '../../config-schema/load-config.js';
import { REPO_ROOT } from '../../infra/services/tool-paths.js';
import { openStore } from '../../store/open-store.js';
import type { ExperimentResult } from '../../workflows/experiment-state.js';
import { catchWindow, longGan, tinyDemoConfig } from '../fixtures/tiny-demo-config.js';
import { prepareComposeCluster, type ComposeCluster } from './compose-cluster.js';

const run = promisify(execFile);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * The test images' Debian trixie has Python 3.13, for which the pinned TensorFlow wheel has no
 * build, so their workers run on wasm (about 21 ms per iteration of this GAN): 1,000 iterations.
 */
const slowGan = longGan(1000, 50);
const window = catchWindow(slowGan);

describe('docker-compose.yml on a real Docker engine (test override: host network, local images)', function () {
  this.timeout(1_800_000);
  const timings: [string, number][] = [];
  const wallStart = Date.now();
  async function timed(step: string, work: () => Promise<void>): Promise<void> {
    const start = Date.now();
    try {
      await work();
    } finally {
      timings.push([step, Date.now() - start]);
      console.log(`      [deploy] ${step}: ${seconds(Date.now() - start)}`);
    }
  }

  let c: ComposeCluster;
  let cluster: Cluster;
  let configDir: string;

  before(async () => {
    configDir = await mkdtemp(path.join(tmpdir(), 'sfe-deploy-configs-'));
    c = await prepareComposeCluster(timed);
    await timed('build images: s3, temporal, cpu-worker in parallel', async () => {
      await c.compose('build', '--parallel', 's3', 'temporal', 'cpu-worker');
    });
    // Built after the CPU image, whose layers it reuses up to the native TensorFlow step.
    await timed('build image: gpu-worker', async () => {
      await c.compose('build', 'gpu-worker');
    });
    await timed('up (until Temporal and S3 are healthy)', async () => {
      await c.compose('up', '-d');
    });
    cluster = await openCluster({
      address: c.temporalAddress,
      namespace: 'default',
      stateDir: configDir,
    });
  });

  after(async () => {
    await cluster?.close();
    await timed('down --volumes', async () => {
      await c?.destroy();
    });
    await rm(configDir, { recursive: true, force: true });
    console.log(`      [deploy] wall time: ${seconds(Date.now() - wallStart)}`);
    for (const [step, ms] of timings) console.log(`      [deploy]   ${step}: ${seconds(ms)}`);
  });

  function config(name: string, overrides: Partial<ExperimentConfigInput> = {}) {
    return {
      ...tinyDemoConfig(name),
      storage: { uri: `s3://${c.bucket}/${name}` },
      // A killed worker's training is retried once its heartbeat is this late.
      temporal: { heartbeatTimeoutSeconds: 10 },
      ...overrides,
    };
  }

  async function sfe(...args: string[]): Promise<string> {
    const { stdout } = await run('node', [path.join(REPO_ROOT, 'dist/cli/main.js'), ...args], {
      env: c.cliEnv,
      maxBuffer: 16 << 20,
    });
    return stdout;
  }

  async function launch(input: ExperimentConfigInput): Promise<ExperimentHandle> {
    const parsed = parseConfig(input, 'deploy test config');
    const hash = configHash(parsed);
    return (
      await launchExperiment(cluster.client, parsed, {
        experimentId: experimentIdFor(parsed, hash),
        configHash: hash,
        force: [],
      })
    ).handle;
  }

  /** handle.result(), waiting out a Temporal frontend that is restarting. */
  async function resultOf(handle: ExperimentHandle): Promise<ExperimentResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await handle.result();
      } catch (error) {
        if (attempt >= 60 || !/unavailable|connect|ECONNREFUSED|deadline/i.test(String(error)))
          throw error;
        await sleep(1000);
      }
    }
  }

  async function waitForGan(handle: ExperimentHandle, from: number, to: number): Promise<number> {
    for (;;) {
      const view = await viewExperiment(handle);
      assert.equal(view.status, 'RUNNING', `experiment ended early: ${view.failure ?? ''}`);
      const p = view.progress;
      if (view.state?.stage === 'gan' && p?.unit === 'iterations' && p.done >= from) {
        assert.ok(p.done < to, `the GAN ran past ${to} iterations before the test caught it`);
        return p.done;
      }
      await sleep(100);
    }
  }

  const ganOf = (r: ExperimentResult) => r.stages.find((s) => s.stage === 'gan')!;
  const tinyId = 'deploy-tiny';
  let reference: ExperimentResult;

  it('runs a tiny experiment end to end from the host CLI and reads its report from the store', async () => {
    await timed('tiny experiment (sfe run)', async () => {
      const file = path.join(configDir, 'tiny.yaml');
      await writeFile(file, JSON.stringify(config(tinyId)));
      const summary = JSON.parse(await sfe('run', file, '--json')) as {
        status: string;
        headline: Record<string, unknown>;
        report: string;
      };
      assert.equal(summary.status, 'COMPLETED');
      assert.equal(typeof summary.headline['detectionAuroc'], 'number');
      const store = openStore(`s3://${c.bucket}/${tinyId}`, { s3: c.s3 });
      const html = new TextDecoder().decode(await store.get(`experiments/${tinyId}/report.html`));
      assert.match(html, /<table/);
    });
  });

  it('both worker containers turn healthy: every worker in them touches its alive file', async () => {
    await timed('workers healthy (alive files)', async () => {
      for (const service of ['cpu-worker', 'gpu-worker']) {
        const id = await c.containerOf(service);
        let status = '';
        for (let i = 0; i < 60 && status !== 'healthy'; i++) {
          status = (await c.docker('inspect', '-f', '{{.State.Health.Status}}', id)).trim();
          if (status !== 'healthy') await sleep(2000);
        }
        assert.equal(status, 'healthy', `${service} health`);
      }
    });
  });

  it('a GPU worker container killed mid-GAN and started again resumes from its checkpoint, with the metrics of an uninterrupted run', async () => {
    await timed('uninterrupted reference run', async () => {
      reference = await resultOf(await launch(config('deploy-reference', slowGan)));
    });
    const handle = await launch(config('deploy-killed', slowGan));
    const killedAt = await waitForGan(handle, window.from, window.by);
    const gpu = await c.containerOf('gpu-worker');
    const killed = Date.now();
    await c.docker('kill', gpu);
    await c.docker('start', gpu);
    let recovered = 0;
    await timed('killed run, from the kill to its end', async () => {
      // Recovered once the new worker reports iterations past where the old one died.
      for (;;) {
        const view = await viewExperiment(handle);
        if (view.status !== 'RUNNING') break;
        if (view.state?.stage !== 'gan' || (view.progress?.done ?? 0) > killedAt) {
          recovered = Date.now() - killed;
          break;
        }
        await sleep(200);
      }
      const resumed = await resultOf(handle);
      assert.equal(ganOf(resumed).digest, ganOf(reference).digest, 'same GAN weights');
      assert.deepEqual(resumed.headline, reference.headline);
      const keys = await openStore(`s3://${c.bucket}/deploy-killed`, { s3: c.s3 }).list(
        'stages/gan-checkpoints/',
      );
      const iterations = keys
        .filter((k) => k.endsWith('MANIFEST.json'))
        .map((k) => Number(/iter-(\d+)/.exec(k)![1]));
      assert.ok(
        iterations.some((i) => i >= window.checkpointed && i <= killedAt),
        `a checkpoint before the kill at ${killedAt}: ${iterations}`,
      );
    });
    assert.ok(recovered > 0, 'the GAN went past the kill point again');
    console.log(
      `      [deploy] time to recover after docker kill (GAN past iteration ${killedAt} again): ${seconds(recovered)}`,
    );
  });

  it('a run goes on through a restart of the Temporal service', async () => {
    const handle = await launch(config('deploy-temporal-restart', slowGan));
    await waitForGan(handle, slowGan.gan.checkpointEvery / 4, window.by);
    await timed('docker-compose restart temporal', async () => {
      await c.compose('restart', 'temporal');
    });
    await timed('run after the Temporal restart, to its end', async () => {
      const result = await resultOf(handle);
      assert.equal(ganOf(result).digest, ganOf(reference).digest, 'same GAN weights');
    });
  });

  it('down then up keeps the finished experiments: still listed, report readable', async () => {
    await timed('down (keeping volumes)', async () => {
      await c.compose('down');
    });
    await timed('up again', async () => {
      await c.compose('up', '-d');
    });
    const rows = JSON.parse(await sfe('list', '--json')) as {
      experimentId: string;
      status: string;
    }[];
    const tiny = rows.find((r) => r.experimentId === tinyId);
    assert.equal(tiny?.status, 'completed', `${tinyId} is listed: ${JSON.stringify(rows)}`);
    const report = JSON.parse(await sfe('report', tinyId, '--json')) as {
      report: string;
      status: string;
    };
    assert.equal(report.status, 'COMPLETED');
    const store = openStore(`s3://${c.bucket}/${tinyId}`, { s3: c.s3 });
    assert.match(
      new TextDecoder().decode(await store.get(`experiments/${tinyId}/report.html`)),
      /<table/,
    );
  });
});
