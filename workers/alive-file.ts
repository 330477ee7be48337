import { writeFile } from 'node:fs/promises';

export interface AliveFile {
  /** Stops touching the file (it stays, growing stale). */
  stop(): void;
}

/**
 * Writes the time to `path` now and every `everyMs` while the event loop turns, so that a
 * liveness probe (`find PATH -mmin -5`) can tell a worker whose main thread is stuck — a native
 * call that never returns, a wedged GPU driver — from a busy one: stages yield between steps,
 * and the longest single step (a feature batch) takes seconds. A pod restarted by the probe
 * frees its GPU; its training resumes elsewhere from the last checkpoint. A failed write is
 * reported once; the probe then sees the file go stale.
 */
export async function keepAliveFile(
  path: string,
  log: (line: string) => void,
  everyMs = 15_000,
): Promise<AliveFile> {
  let reported = false;
  const touch = () =>
    writeFile(path, `${new Date().toISOString()}\n`).catch((error: unknown) => {
      if (reported) return;
      reported = true;
      log(`[sfe] cannot write the alive file ${path}: ${(error as Error).message}`);
    });
  await touch();
  const timer = setInterval(() => void touch(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
