import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import type { Comparison } from '../../pipeline/compare/comparison.js';
import { tinyDemoConfig } from '../fixtures/tiny-demo-config.js';
import { embeddedEnv, runSfe } from './run-sfe.js';

interface CompareSummary {
  html: string;
  json: string;
  comparison: Comparison;
}

/**
 * `sfe compare` as a user runs it, on the embedded defaults: a local Temporal dev server, the
 * CPU worker in-process and a GPU worker process run the tiny demo under both protocols.
 */
describe('sfe compare on the embedded defaults (child processes)', function () {
  this.timeout(600_000);
  let dir: string;
  const env = embeddedEnv();
  const sfe = (...args: string[]) => runSfe(args, { cwd: dir, env });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfe-compare-'));
    await writeFile(join(dir, 'tiny.yaml'), YAML.stringify(tinyDemoConfig('tiny')));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks the store before it starts anything: a store folder that is a file fails by field', async () => {
    await writeFile(join(dir, 'a-file'), 'not a folder');
    await writeFile(
      join(dir, 'bad-store.yaml'),
      YAML.stringify({ ...tinyDemoConfig('bad-store'), storage: { uri: './a-file' } }),
    );
    const result = await sfe('compare', 'bad-store.yaml');
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /bad-store\.yaml: storage\.uri: \S*a-file exists and is not a folder/,
    );
    assert.doesNotMatch(result.stderr, /experiments bad-store/);
  });

  it('runs both protocols, writes one page and JSON, and the paper protocol leaks', async () => {
    const result = await sfe('compare', 'tiny.yaml', '--json');
    assert.equal(result.code, 0, result.stderr);
    for (const id of ['tiny-compare-leak-free', 'tiny-compare-paper']) {
      assert.match(result.stderr, new RegExp(`\\[${id}\\] \\[1/8 dataset\\] done in `));
      assert.match(result.stderr, new RegExp(`\\[${id}\\] \\[8/8 report\\] done in `));
    }
    const summary = JSON.parse(result.stdout) as CompareSummary;
    assert.equal(summary.html, join(dir, 'runs', 'comparisons', 'tiny-compare', 'report.html'));
    const page = await readFile(summary.html, 'utf8');
    assert.match(page, /Leakage audit/);
    const stored = JSON.parse(await readFile(summary.json, 'utf8')) as Comparison;
    assert.deepEqual(stored.protocols, summary.comparison.protocols);
    const [free, paper] = summary.comparison.protocols;
    assert.equal(free!.protocol, 'leak-free');
    assert.equal(paper!.protocol, 'paper');
    for (const r of [free!, paper!]) {
      assert.ok(existsSync(join(dir, 'runs', 'experiments', r.experimentId, 'report.html')));
      assert.ok(r.adversarial.defended.total > 0);
      assert.equal(
        r.adversarial.undefended.accuracy,
        r.adversarial.undefended.correct / r.adversarial.undefended.total,
      );
      const { low, high } = r.adversarial.defended.interval95;
      assert.ok(low <= r.adversarial.defended.accuracy && r.adversarial.defended.accuracy <= high);
    }
    assert.equal(free!.leakage.exactDuplicates + free!.leakage.nearDuplicates, 0);
    assert.ok(
      paper!.leakage.exactDuplicates + paper!.leakage.nearDuplicates > 0,
      'augmented copies of training images land in the paper test split',
    );
    const e = summary.comparison.leakEffect;
    assert.equal(
      e.adversarialDefended,
      paper!.adversarial.defended.accuracy - free!.adversarial.defended.accuracy,
    );
  });

  it('prints the side-by-side table, reusing every finished stage on a second run', async () => {
    const result = await sfe('compare', 'tiny.yaml');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\[tiny-compare-paper\] \[5\/8 \w+\] cached/);
    assert.match(result.stdout, /leak-free\s+paper\s+paper − leak-free/);
    assert.match(result.stdout, /adversarial defended\s+\S+% \(\d+\/\d+, 95% CI [\d.]+–[\d.]+%\)/);
    assert.match(result.stdout, /exact dup\. in train\s+0\s+\d+/);
    const metrics = JSON.parse(
      await readFile(
        join(dir, 'runs', 'experiments', 'tiny-compare-paper', 'metrics.json'),
        'utf8',
      ),
    ) as { leakage: { protocol: string } };
    assert.equal(metrics.leakage.protocol, 'paper');
  });
});
