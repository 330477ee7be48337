import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { keepAliveFile } from '../../workers/alive-file.js';

describe('worker alive file (workers/alive-file.ts)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfe-alive-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exists once started, is touched while the loop turns, and goes stale once stopped', async () => {
    const path = join(dir, 'alive');
    const alive = await keepAliveFile(path, () => {}, 40);
    const first = (await stat(path)).mtimeMs;
    await sleep(200);
    const later = (await stat(path)).mtimeMs;
    assert.ok(later > first, `touched again (${first} → ${later})`);
    alive.stop();
    await sleep(80);
    const stopped = (await stat(path)).mtimeMs;
    await sleep(200);
    assert.equal((await stat(path)).mtimeMs, stopped, 'not touched after stop');
  });

  it('reports a file it cannot write once, naming it', async () => {
    const lines: string[] = [];
    const path = join(dir, 'no-such-folder', 'alive');
    const alive = await keepAliveFile(path, (line) => lines.push(line), 20);
    await sleep(100);
    alive.stop();
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /cannot write the alive file .*no-such-folder\/alive: ENOENT/);
  });
});
