import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const BACKEND = pathToFileURL(
  path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'ml', 'backend.js'),
).href;

/** A fresh process, as `sfe run` and its workers are: the banner shows once per process. */
async function stderrOf(script: string): Promise<string> {
  const { stderr } = await promisify(execFile)(process.execPath, [
    '--input-type=module',
    '-e',
    script,
  ]);
  return stderr;
}

describe('tfjs backend selection', function () {
  this.timeout(60_000);

  it('does not print tfjs\'s "install the node backend" banner on the cpu backend', async () => {
    const stderr = await stderrOf(
      `const { selectBackend } = await import(${JSON.stringify(BACKEND)});
       const tf = await import('@tensorflow/tfjs');
       await selectBackend('cpu');
       tf.tensor([1, 2, 3]).square().dataSync();
       console.warn(tf.getBackend());`,
    );
    assert.match(stderr, /tfjs backend: cpu \(CPU; 1 thread\), forced/);
    assert.match(stderr, /^cpu$/m, 'the script ran to its end');
    assert.doesNotMatch(stderr, /install our node backend/);
  });

  it("the banner is tfjs's own: without selectBackend it shows (the test can see it)", async () => {
    const stderr = await stderrOf(
      `const tf = await import('@tensorflow/tfjs');
       await tf.setBackend('cpu');
       tf.tensor([1, 2, 3]).square().dataSync();`,
    );
    assert.match(stderr, /install our node backend/);
  });
});
