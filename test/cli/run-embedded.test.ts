import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { STAGES } from '../../pipeline/stage-ref.js';
import { tinyDemoConfig } from '../fixtures/tiny-demo-config.js';
import { embeddedEnv, runSfe, startSfe } from './run-sfe.js';

interface RunSummary {
  experimentId: string;
  status: string;
  report: string;
  metrics: string;
  headline: Record<string, number>;
  stages: { stage: string; cached: boolean; seconds: number }[];
}

/**
 * `sfe run` on the embedded defaults, as a user runs it: no TEMPORAL_ADDRESS, so it starts a
 * local dev server (history under ./runs/.temporal), a CPU worker in-process and a GPU worker
 * process, and stores artifacts in a local folder.
 */
describe('sfe run on the embedded defaults (child processes)', function () {
  this.timeout(600_000);
  let dir: string;
  const env = embeddedEnv();
  const sfe = (...args: string[]) => runSfe(args, { cwd: dir, env });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfe-embedded-'));
    const config = { ...tinyDemoConfig('tiny-demo'), seed: 5 };
    await writeFile(join(dir, 'tiny.yaml'), YAML.stringify(config));
    await writeFile(join(dir, 'bad.yaml'), YAML.stringify({ ...config, gan: { iterations: -5 } }));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the experiment to its report and prints a JSON summary', async () => {
    const result = await sfe('run', 'tiny.yaml', '--json');
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as RunSummary;
    assert.equal(summary.status, 'COMPLETED');
    assert.equal(summary.experimentId, 'tiny-demo');
    assert.equal(summary.report, join(dir, 'runs', 'experiments', 'tiny-demo', 'report.html'));
    assert.ok(existsSync(summary.report), 'the report file exists');
    assert.ok(existsSync(summary.metrics), 'metrics.json exists');
    assert.equal(summary.stages.length, STAGES.length);
    assert.equal(typeof summary.headline.detectionAuroc, 'number');
    assert.match(result.stderr, /local Temporal dev server/);
    // Issue 13 item 8: every stage ends on a completion line, the report included, and the
    // embedded dev server's Web UI is named; no tfjs banner.
    STAGES.forEach((stage, i) =>
      assert.match(
        result.stderr,
        new RegExp(`\\[${i + 1}/${STAGES.length} ${stage}\\] done in `),
        stage,
      ),
    );
    assert.match(
      result.stderr,
      /Temporal Web UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/tiny-demo/,
    );
    assert.doesNotMatch(result.stderr, /install our node backend/);
    // Issue 12 item 3: counts beside every rate; the paired counts add up to the accuracies.
    const h = summary.headline;
    for (const split of ['adversarial', 'benign']) {
      const before = h[`${split}UndefendedCorrect`]!;
      const after = h[`${split}DefendedCorrect`]!;
      assert.equal(h[`${split}UndefendedTotal`], h[`${split}DefendedTotal`]);
      assert.equal(after - before, h[`${split}PairedC`]! - h[`${split}PairedB`]!, split);
    }
    const metrics = JSON.parse(await readFile(summary.metrics, 'utf8'));
    const adversarial = metrics.accuracy.adversarial.all1000;
    assert.ok(adversarial.defended.interval95.low <= adversarial.defended.accuracy);
    assert.equal(typeof adversarial.mcnemar.pValue, 'number');
    // Issue 13 item 10: the report lists every stage and says what the data is.
    const html = await readFile(summary.report, 'utf8');
    for (const stage of STAGES) assert.match(html, new RegExp(`<tr><td>${stage}</td>`), stage);
    assert.match(html, /Demo world \(not ImageNet\)/);
    assert.match(html, /<p>2 classes: [a-z]+, [a-z]+\.<\/p>/, 'shape names, not wnids');
    const captions = [
      ...html.matchAll(/<span class="muted">((?:adversarial|benign) test · [a-z ]+)<\/span>/g),
    ];
    assert.equal(captions.length, 2, 'each Grad-CAM example names its test set and outcome');
    assert.doesNotMatch(html, /ImageNet-A protocol/);
  });

  it('status, report and list read the finished run back from the persisted history', async () => {
    const status = await sfe('status', 'tiny-demo', '--json');
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'COMPLETED');
    const report = await sfe('report', 'tiny-demo');
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /report: .*tiny-demo\/report\.html/);
    assert.match(report.stdout, /adversarial test +\d+\.\d% \(\d+\/\d+, 95% CI [\d.]+–[\d.]+%\)/);
    assert.match(report.stdout, /b = \d+, c = \d+, p (=|<) /);
    const list = await sfe('list', '--status', 'completed', '--json');
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as { experimentId: string }[];
    assert.ok(
      rows.some((r) => r.experimentId === 'tiny-demo'),
      list.stdout,
    );
  });

  it('running the same config again reuses every stage', async () => {
    const result = await sfe('run', 'tiny.yaml', '--json');
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as RunSummary;
    assert.deepEqual(
      summary.stages.map((s) => s.cached),
      STAGES.map(() => true),
    );
    STAGES.forEach((stage, i) =>
      assert.match(result.stderr, new RegExp(`\\[${i + 1}/${STAGES.length} ${stage}\\] cached`)),
    );
  });

  it('a bad config exits 1 naming the field, before anything starts', async () => {
    const result = await sfe('run', 'bad.yaml');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad\.yaml: gan\.iterations: expected .*found -5/);
    assert.doesNotMatch(result.stderr, /dev server/);
  });

  it('an interrupted run keeps its name: a changed config is refused until sfe cancel closes it', async () => {
    const slow = {
      ...tinyDemoConfig('left-open'),
      gan: { ...tinyDemoConfig('x').gan, iterations: 50_000 },
    };
    await writeFile(join(dir, 'slow.yaml'), YAML.stringify(slow));
    await writeFile(join(dir, 'changed.yaml'), YAML.stringify({ ...slow, seed: 9 }));
    const run = startSfe(['run', 'slow.yaml'], { cwd: dir, env });
    await run.stderrMatches(/gan\]/);
    run.child.kill('SIGINT');
    const stopped = await run.result;
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /sfe resume left-open/);

    const refused = await sfe('run', 'changed.yaml');
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /left-open is already running with another config .*sfe cancel left-open/,
    );

    const cancelled = await sfe('cancel', 'left-open');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /left-open cancelled/);
    const status = await sfe('status', 'left-open', '--json');
    assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'CANCELLED');
  });

  it('sfe resume continues a run stopped with Ctrl-C where it stood', async () => {
    const config = {
      ...tinyDemoConfig('continued'),
      gan: { ...tinyDemoConfig('x').gan, iterations: 1000, checkpointEvery: 250 },
    };
    await writeFile(join(dir, 'continued.yaml'), YAML.stringify(config));
    const run = startSfe(['run', 'continued.yaml'], { cwd: dir, env });
    await run.stderrMatches(/gan\]/);
    run.child.kill('SIGINT');
    assert.equal((await run.result).code, 130);

    const resumed = await sfe('resume', 'continued');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /experiment continued continues/);
    const status = await sfe('status', 'continued', '--json');
    assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'COMPLETED');
  });

  it('sfe resume checks the store first: one whose folder became a file fails at once, by field', async () => {
    const config = { ...tinyDemoConfig('moved-store'), storage: { uri: './moved-store' } };
    await writeFile(join(dir, 'moved.yaml'), YAML.stringify(config));
    assert.equal((await sfe('run', 'moved.yaml')).code, 0);
    await rm(join(dir, 'moved-store'), { recursive: true });
    await writeFile(join(dir, 'moved-store'), 'not a folder');
    const resumed = await sfe('resume', 'moved-store');
    assert.equal(resumed.code, 1, resumed.stderr);
    assert.match(
      resumed.stderr,
      /experiment moved-store: storage\.uri: \S*moved-store exists and is not a folder/,
    );
    assert.doesNotMatch(resumed.stderr, /resumed/);
  });

  it('sfe sweep run on the embedded defaults ranks its trials and writes the sweep page', async () => {
    const spec = {
      name: 'tiny-sweep',
      seed: 4,
      base: { ...tinyDemoConfig('unused'), name: undefined },
      space: { 'gan.lr': { type: 'loguniform', low: 0.0001, high: 0.01 } },
      strategy: { kind: 'random' },
      trials: 2,
      concurrency: 2,
      objective: { metric: 'detectionAuroc', direction: 'maximize' },
    };
    await writeFile(join(dir, 'sweep.yaml'), YAML.stringify(spec));
    const result = await sfe('sweep', 'run', 'sweep.yaml', '--json');
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as {
      leaderboard: { status: string }[];
      report: string;
    };
    assert.deepEqual(
      summary.leaderboard.map((t) => t.status),
      ['completed', 'completed'],
    );
    assert.equal(summary.report, join(dir, 'runs', 'sweeps', 'tiny-sweep', 'report.html'));
    assert.ok(existsSync(summary.report));
  });

  it('an unknown experiment is reported, not crashed on', async () => {
    const result = await sfe('status', 'no-such-experiment');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no-such-experiment/);
  });
});
