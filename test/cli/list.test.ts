import assert from 'node:assert/strict';
import { formatList, latestPerExperiment } from '../../cli/experiment-list.js';
import { runSfe } from './run-sfe.js';

const run = (experimentId: string, startTime: string, status = 'completed') => ({
  experimentId,
  status,
  stage: 'report',
  configHash: '8437a3791fc9ec71aa',
  startTime,
});

describe('sfe list', function () {
  this.timeout(60_000);

  it('shows each experiment once, as its latest run, with how many runs it had', () => {
    // Four launches of the same config are four runs of one workflow ID.
    const rows = latestPerExperiment([
      run('demo', '2026-12-01T10:00:00.000Z'),
      run('other', '2026-12-01T10:30:00.000Z', 'failed'),
      run('demo', '2026-12-01T11:00:00.000Z', 'running'),
      run('demo', '2026-12-01T09:00:00.000Z'),
      run('demo', '2026-12-01T08:00:00.000Z'),
    ]);
    assert.deepEqual(
      rows.map((r) => [r.experimentId, r.status, r.runs, r.startTime]),
      [
        ['demo', 'running', 4, '2026-12-01T11:00:00.000Z'],
        ['other', 'failed', 1, '2026-12-01T10:30:00.000Z'],
      ],
    );
  });

  it('heads its table with the column names, aligned with the rows', () => {
    const text = formatList(latestPerExperiment([run('demo', '2026-12-01T10:00:00.000Z')]));
    const [header, row, ...rest] = text.split('\n');
    assert.match(header!, /^EXPERIMENT +STATUS +STAGE +CONFIG +RUNS +STARTED$/);
    assert.match(row!, /^demo +completed +report +8437a3791fc9 +1 +2026-12-01T10:00:00\.000Z$/);
    assert.equal(header!.indexOf('STATUS'), row!.indexOf('completed'));
    assert.deepEqual(rest, ['']);
  });

  it('--status bogus is a usage error naming the allowed values, before any cluster is asked', async () => {
    const result = await runSfe(['list', '--status', 'bogus']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /--status: expected one of running, completed, failed, cancelled; found "bogus"/,
    );
    assert.doesNotMatch(result.stdout, /no experiments/);
  });

  it("--stage checks its value against the workflow's stages", async () => {
    const result = await runSfe(['list', '--stage', 'gann']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /--stage: expected one of dataset, targetModel, .*report; found "gann"/,
    );
  });
});
