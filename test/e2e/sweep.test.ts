import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { launchSweep } from '../../client/sweeps.js';
import { parseConfig } from '../../config-schema/load-config.js';
import { loadRungRecords } from '../../pipeline/sweep/trial-records.js';
import { openStore } from '../../store/open-store.js';
import { parseSweepSpec, type SweepSpecInput } from '../../sweep/sweep-spec.js';
import { experimentWorkflow, sweepWorkflow, type SweepInput } from '../../workflows/index.js';
import { s3TestEndpoint } from '../setup/services.js';
import { startDeployment, type Deployment } from './experiment-fixture.js';

function sweepInput(
  d: Deployment,
  name: string,
  spec: Omit<SweepSpecInput, 'base' | 'name'>,
  prefix: string,
): SweepInput {
  const base = d.config(`${name}-base`, prefix);
  const parsed = parseSweepSpec({ ...spec, name, base });
  const resolved = parseConfig(base, name);
  return {
    sweepId: name,
    spec: parsed,
    storageUri: resolved.storage.uri,
    cpuQueue: resolved.temporal.taskQueues.cpu,
    maxResource: resolved.gan.iterations,
  };
}

const SPACE = {
  'gan.lr': { type: 'loguniform', low: 1e-4, high: 1e-2 },
  'advd.lr': { type: 'loguniform', low: 1e-3, high: 1e-1 },
} as const;

/** Random search over SPACE for the best detection AUROC. */
function randomSearch(seed: number, trials: number, concurrency: number) {
  return {
    seed,
    space: SPACE,
    strategy: { kind: 'random' },
    trials,
    concurrency,
    objective: { metric: 'detectionAuroc', direction: 'maximize' },
  } as const;
}

/** The most trial experiments that were open at the same moment, from Temporal's own times. */
async function peakOverlap(client: Client, ids: string[]): Promise<number> {
  const spans: { start: number; end: number }[] = [];
  for (const id of ids) {
    const description = await client.workflow.getHandle<typeof experimentWorkflow>(id).describe();
    spans.push({ start: description.startTime.getTime(), end: description.closeTime!.getTime() });
  }
  return Math.max(
    ...spans.map((s) => spans.filter((o) => o.start <= s.start && s.start < o.end).length),
  );
}

describe('sweeps end to end (dev server, versitygw, two GPU worker processes)', function () {
  this.timeout(600_000);
  let d: Deployment;

  before(async () => {
    d = await startDeployment();
    d.startWorker('cpu');
    d.startWorker('gpu');
    d.startWorker('gpu');
  });

  after(async () => {
    await d?.close();
  });

  it('runs 6 trials, never more than 2 at once, computing the shared features once, despite a killed worker', async () => {
    const input = sweepInput(d, 'sweep-six', randomSearch(11, 6, 2), 'sweep-six');
    const handle = await launchSweep(d.cluster.client, input);
    // Kill one GPU worker once the sweep is under way; a fresh one takes its place.
    const store = openStore(input.storageUri, { s3: await s3TestEndpoint() });
    while ((await loadRungRecords(store, input.sweepId)).length < 2) await sleep(200);
    const victim = d.gpuWorkers()[0]!;
    victim.kill('SIGKILL');
    d.startWorker('gpu');
    const result = await handle.result();

    assert.equal(result.leaderboard.length, 6);
    assert.ok(
      result.leaderboard.every((t) => t.status === 'completed'),
      JSON.stringify(result.leaderboard),
    );
    assert.ok(result.best);
    const objectives = result.leaderboard.map((t) => t.objective!);
    assert.deepEqual(
      objectives,
      [...objectives].sort((a, b) => b - a),
      'ranked best first',
    );
    const ids = result.leaderboard.map((t) => t.experimentId);
    assert.ok((await peakOverlap(d.cluster.client, ids)) <= 2);
    assert.ok(result.peakConcurrency <= 2);

    const shared = await d.cluster.client.workflow
      .getHandle<typeof experimentWorkflow>('sweep-six-shared')
      .result();
    assert.equal(
      shared.stages.find((s) => s.stage === 'features')?.cached,
      false,
      'computed once, up front',
    );
    for (const id of ids) {
      const trial = await d.cluster.client.workflow
        .getHandle<typeof experimentWorkflow>(id)
        .result();
      assert.equal(
        trial.stages.find((s) => s.stage === 'features')?.cached,
        true,
        `${id} reused the features`,
      );
    }
    const html = new TextDecoder().decode(await store.get(result.reportKey));
    assert.match(html, /t0/);
  });

  it('the same spec and seed give the same trials in the same order', async () => {
    const spec = randomSearch(11, 6, 2);
    const again = await (
      await launchSweep(
        d.cluster.client,
        sweepInput(d, 'sweep-six-again', { ...spec, concurrency: 1 }, 'sweep-again'),
      )
    ).result();
    const first = await d.cluster.client.workflow
      .getHandle<typeof sweepWorkflow>('sweep-six')
      .result();
    const byIndex = (board: typeof again.leaderboard) =>
      [...board].sort((a, b) => a.index - b.index).map((t) => t.params);
    assert.deepEqual(byIndex(again.leaderboard), byIndex(first.leaderboard));
  });

  it('successive halving stops weak trials at the lower rungs', async () => {
    const input = sweepInput(
      d,
      'sweep-halving',
      {
        ...randomSearch(5, 4, 2),
        earlyStopping: {
          kind: 'successive-halving',
          resource: 'gan.iterations',
          minResource: 15,
          eta: 2,
        },
      },
      'sweep-halving',
    );
    const result = await (await launchSweep(d.cluster.client, input)).result();
    const stopped = result.leaderboard
      .filter((t) => t.status === 'stopped')
      .map((t) => t.stoppedAtResource)
      .sort((a, b) => a! - b!);
    // Budgets 15, 30, 60: four trials, two go on after 15, one after 30.
    assert.deepEqual(stopped, [15, 15, 30]);
    const completed = result.leaderboard.filter((t) => t.status === 'completed');
    assert.equal(completed.length, 1);
    assert.equal(completed[0]!.resource, 60);
  });

  it('after a cancel, relaunching the sweep reruns only the unfinished trials', async () => {
    const input = sweepInput(d, 'sweep-resume', randomSearch(2, 4, 1), 'sweep-resume');
    const store = openStore(input.storageUri, { s3: await s3TestEndpoint() });
    const handle = await launchSweep(d.cluster.client, input);
    while ((await loadRungRecords(store, input.sweepId)).length < 1) await sleep(100);
    await handle.cancel();
    await assert.rejects(handle.result());
    const before = await loadRungRecords(store, input.sweepId);
    assert.ok(
      before.length >= 1 && before.length < 4,
      `${before.length} trials finished before the cancel`,
    );

    const result = await (await launchSweep(d.cluster.client, input)).result();
    assert.equal(result.leaderboard.filter((t) => t.status === 'completed').length, 4);
    const after = await loadRungRecords(store, input.sweepId);
    for (const record of before) {
      assert.deepEqual(
        after.find((r) => r.index === record.index),
        record,
        `trial ${record.index} was not rerun`,
      );
    }
  });

  it('a schedule with a short interval fires, and can be paused and deleted', async () => {
    const input = sweepInput(d, 'sweep-scheduled', randomSearch(1, 1, 1), 'sweep-scheduled');
    const { createScheduleForInput } = await import('../../client/sweep-schedules.js');
    const id = await createScheduleForInput(
      d.cluster.client,
      input,
      { every: '2s', overlap: 'skip' },
      'test',
    );
    const handle = d.cluster.client.schedule.getHandle(id);
    let fired = 0;
    for (let i = 0; i < 100 && fired === 0; i++) {
      fired = (await handle.describe()).info.recentActions.length;
      await sleep(200);
    }
    assert.ok(fired >= 1, 'the schedule started the sweep');
    await handle.pause('test');
    assert.equal((await handle.describe()).state.paused, true);
    await handle.delete();
  });
});
