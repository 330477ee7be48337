import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

export interface SfeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningSfe {
  child: ChildProcess;
  /** Resolves once stderr so far matches `pattern`. */
  stderrMatches(pattern: RegExp): Promise<void>;
  result: Promise<SfeResult>;
}

/** Starts the built `sfe` as a user would: a child process, from `cwd` (the repository root). */
export function startSfe(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunningSfe {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
  });
  let stdout = '';
  let stderr = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiting.filter((w) => w.pattern.test(stderr))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  const result = new Promise<SfeResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    result,
    stderrMatches: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiting.push({ pattern, resolve })),
            result.then((r) => {
              throw new Error(`sfe exited (${r.code}) before printing ${pattern}: ${r.stderr}`);
            }),
          ]),
  };
}

/** Runs the built `sfe` to its end. */
export function runSfe(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<SfeResult> {
  return startSfe(args, options).result;
}

/** The environment of a user on the embedded defaults: no TEMPORAL_ADDRESS, so `sfe` starts its own dev server. */
export function embeddedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  delete env.TEMPORAL_ADDRESS;
  return env;
}
