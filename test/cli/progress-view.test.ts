import assert from 'node:assert/strict';
import type { ExperimentView } from '../../client/experiments.js';
import { EtaEstimator, progressLine, stageDoneLine } from '../../cli/progress-view.js';
import { webUiLink } from '../../cli/run-experiment.js';
import { StatusLine } from '../../cli/status-line.js';
import { ProgressPrinter } from '../../cli/watch-experiment.js';
import { STAGES, type StageName, type StageRef } from '../../pipeline/stage-ref.js';

const N = STAGES.length;

function ref(stage: StageName, cached: boolean, seconds = 0): StageRef {
  return { stage, key: `stages/${stage}/k`, digest: 'a'.repeat(64), cached, seconds, summary: {} };
}

/** A terminal that records what is written, and the screen a real one would show. */
function fakeTerminal(tty: boolean) {
  let written = '';
  return {
    terminal: { write: (t: string) => (written += t), tty, columns: () => 200 },
    written: () => written,
    /** Lines as a terminal shows them: `\r\x1b[2K` erases the line it is on. */
    screen: () =>
      written
        .split('\n')
        .map((line) => line.split('\r\x1b[2K').at(-1)!)
        .filter((line) => line !== ''),
  };
}

function view(stage: StageName, done: number, total: number): ExperimentView {
  return {
    experimentId: 'x',
    status: 'RUNNING',
    state: {
      experimentId: 'x',
      configHash: 'h',
      status: 'running',
      stage,
      stages: [],
      startedAt: '',
      finishedAt: null,
      error: null,
    },
    progress: { unit: 'iterations', done, total, recent: { msePG: 0.25 } },
    attempt: 1,
    worker: undefined,
    result: undefined,
    failure: undefined,
    startTime: new Date(0),
    closeTime: undefined,
  };
}

describe('progress line', () => {
  it('shows the stage by its place in the chain, a bar, counts and recent values', () => {
    const line = progressLine(view('gan', 250, 1000), undefined);
    assert.match(line, new RegExp(`^\\[4/${N} gan\\]`));
    assert.match(line, /██████░{18}/);
    assert.match(line, /250\/1000 iterations/);
    assert.match(line, /msePG 0\.250/);
  });

  it("the last stage is N/N even after every stage finished (N from the workflow's stage list)", () => {
    assert.match(
      progressLine(view('report', 0, 0), undefined),
      new RegExp(`^\\[${N}/${N} report\\] running`),
    );
  });

  it('prints counts as counts: "failed 0", not "failed 0.00"', () => {
    const v = view('dataset', 10, 20);
    v.progress!.recent = { failed: 0, loss: 0.25 };
    assert.match(progressLine(v, undefined), /failed 0 loss 0\.250$/);
  });

  it('estimates the time left from the rate it observed', () => {
    const eta = new EtaEstimator();
    assert.equal(eta.eta(view('gan', 100, 1000), 0), undefined);
    assert.equal(eta.eta(view('gan', 200, 1000), 10_000), 80);
    assert.match(progressLine(view('gan', 200, 1000), 80), /ETA 1:20/);
  });
});

describe('stage completion lines', () => {
  it('says cached, or done and how long it took', () => {
    assert.equal(stageDoneLine(ref('dataset', true)), `[1/${N} dataset] cached`);
    assert.equal(stageDoneLine(ref('gan', false, 75)), `[4/${N} gan] done in 1 min 15 s`);
  });

  it('every stage ends on its own line, the last one included, and the bar is cleared', () => {
    const t = fakeTerminal(true);
    const printer = new ProgressPrinter(new StatusLine(t.terminal));
    const running = view('targetModel', 9, 10);
    running.state!.stages = [ref('dataset', false, 2)];
    printer.update(running, 0);
    const done: ExperimentView = {
      ...view('report', 0, 0),
      status: 'COMPLETED',
      state: undefined,
      progress: undefined,
    };
    done.result = {
      experimentId: 'x',
      configHash: 'h',
      reportKey: 'r',
      storageUri: './runs',
      headline: {},
      stages: STAGES.map((s) => ref(s, false, 1)),
    };
    printer.update(done, 1000);
    const screen = t.screen();
    assert.deepEqual(
      screen,
      STAGES.map((s, i) => `[${i + 1}/${N} ${s}] done in ${i === 0 ? '2.00' : '1.00'} s`),
      'no bar left showing "9/10 epochs": the screen ends on the last stage\'s line',
    );
    assert.ok(t.written().endsWith('\r\x1b[2K'), 'the bar is erased at the end');
  });

  it('a stage that has just ended is not shown as running again', () => {
    const t = fakeTerminal(false);
    const printer = new ProgressPrinter(new StatusLine(t.terminal));
    const v = view('report', 0, 0);
    v.state!.stages = STAGES.map((s) => ref(s, true));
    printer.update(v, 0);
    assert.equal(t.screen().at(-1), `[${N}/${N} report] cached`);
    assert.ok(!t.written().includes('running'));
  });

  it('a cached rerun says "cached" per stage as soon as the watcher sees it', () => {
    const t = fakeTerminal(false);
    const printer = new ProgressPrinter(new StatusLine(t.terminal));
    const v = view('features', 0, 0);
    v.state!.stages = [ref('dataset', true), ref('targetModel', true)];
    printer.update(v, 0);
    assert.deepEqual(t.screen(), [
      `[1/${N} dataset] cached`,
      `[2/${N} targetModel] cached`,
      `[3/${N} features] running`,
    ]);
  });
});

describe('status line', () => {
  it('prints log lines above the bar, never glued onto it', () => {
    const t = fakeTerminal(true);
    const status = new StatusLine(t.terminal);
    status.show('[4/7 gan] ███░░ 10/100 iterations');
    status.print('[sfe] worker log line');
    status.show('[4/7 gan] ███░░ 20/100 iterations');
    assert.deepEqual(t.screen(), ['[sfe] worker log line', '[4/7 gan] ███░░ 20/100 iterations']);
    assert.ok(t.written().includes('\r\x1b[2K[sfe] worker log line\n[4/7 gan]'));
  });

  it('off a terminal it draws no bar and prints whole lines', () => {
    const t = fakeTerminal(false);
    const status = new StatusLine(t.terminal);
    status.show('bar');
    status.print('log');
    assert.equal(t.written(), 'log\n');
  });
});

describe('Temporal Web UI link', () => {
  it('points at the experiment in its namespace, where the UI is known', () => {
    assert.equal(
      webUiLink({ uiUrl: 'http://127.0.0.1:8233/', namespace: 'default' }, 'demo run'),
      'http://127.0.0.1:8233/namespaces/default/workflows/demo%20run',
    );
    assert.equal(webUiLink({ uiUrl: undefined, namespace: 'default' }, 'x'), undefined);
  });
});
