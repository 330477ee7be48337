import assert from 'node:assert/strict';
import { formatBytes, ProgressLine } from '../../../dataset/fetch/progress-line.js';

/** A progress line on a clock that advances 1 ms per call. */
function line(tty: boolean): { progress: ProgressLine; written: string[] } {
  const written: string[] = [];
  let t = 0;
  const progress = new ProgressLine(
    'a.tar',
    { write: (s) => written.push(s), tty },
    () => (t += 1),
  );
  return { progress, written };
}

describe('ProgressLine', () => {
  it('logs one line per 10% when stderr is not a terminal', () => {
    const { progress, written } = line(false);
    const total = 10 * 2 ** 20;
    for (let done = 0; done <= total; done += 2 ** 16) progress.update(done, total);
    progress.end(total, total);
    assert.equal(written.length, 11);
    assert.deepEqual(
      written.map((w) => /(\d+)%/.exec(w)?.[1]),
      ['0', '10', '20', '30', '40', '50', '60', '70', '80', '90', '100'],
    );
    assert.ok(written.every((w) => w.endsWith('\n') && !w.includes('\r')));
    assert.match(
      written[5]!,
      /^a\.tar {2}5\.0 MiB \/ 10\.0 MiB {2}50% {2}\S+ \w+\/s {2}ETA \d+:\d\d\n$/,
    );
  });

  it('rewrites one terminal line and ends it once', () => {
    const { progress, written } = line(true);
    for (let done = 0; done <= 1000; done += 1) progress.update(done, 1000);
    progress.end(1000, 1000);
    assert.ok(written.length >= 2 && written.length < 20, `${written.length} redraws`);
    assert.ok(written.every((w) => w.startsWith('\r')));
    assert.equal(written.filter((w) => w.endsWith('\n')).length, 1);
    assert.match(written.at(-1)!, /1000 B \/ 1000 B {2}100%/);
  });

  it('measures the rate from this run only, not from resumed bytes', () => {
    const { progress, written } = line(false);
    progress.update(900, 1000);
    progress.end(1000, 1000);
    // 100 bytes in 1 ms: 100 kB/s, not 1 MB/s.
    assert.match(written.at(-1)!, /97\.7 KiB\/s/);
  });

  it('formats sizes in binary units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(3 * 2 ** 30), '3.0 GiB');
  });
});
