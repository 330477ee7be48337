import assert from 'node:assert/strict';
import { startOnFreshPorts } from '../../infra/services/port-retry.js';

/** A start that fails with each of `failures` in turn, then returns its attempt number. */
function startFailing(failures: string[]) {
  let calls = 0;
  return {
    start: () => {
      calls++;
      const failure = failures[calls - 1];
      return failure === undefined ? Promise.resolve(calls) : Promise.reject(new Error(failure));
    },
    calls: () => calls,
  };
}
const clash = (error: Error) => Promise.resolve(/in use/.test(error.message));

describe('starting a service on fresh ports (infra/services/port-retry.ts)', () => {
  it('starts again on a port clash, and returns what the start that worked gave', async () => {
    const s = startFailing(['bind: address already in use', 'bind: address already in use']);
    assert.equal(await startOnFreshPorts(s.start, clash), 3);
  });

  it('throws any other failure at once', async () => {
    const s = startFailing(['exited with code 1: bad flag']);
    await assert.rejects(startOnFreshPorts(s.start, clash), /bad flag/);
    assert.equal(s.calls(), 1);
  });

  it('gives up after the attempts with the last clash', async () => {
    const s = startFailing(['a in use', 'b in use', 'c in use', 'd in use']);
    await assert.rejects(startOnFreshPorts(s.start, clash, 3), /c in use/);
    assert.equal(s.calls(), 3);
  });
});
