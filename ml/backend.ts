import * as tf from '@tensorflow/tfjs';
import { useFastWasmTransposedMatMul } from './training/wasm-matmul.js';

export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendChoice {
  /** What was asked for: a forced backend, or 'auto'. */
  requested: BackendName | 'auto';
  /** What tfjs runs on now. */
  active: BackendName;
  /** Why each better backend was passed over, in order of preference. */
  skipped: { backend: BackendName; reason: string }[];
}

/** The environment variable that forces a backend, overriding config. */
export const BACKEND_ENV = 'SFE_BACKEND';

// Held in variables so that the type checker does not demand optional packages that failed
// to install (their install downloads libtensorflow and needs the internet).
const TFJS_NODE_GPU: string = '@tensorflow/tfjs-node-gpu';
const TFJS_NODE: string = '@tensorflow/tfjs-node';

async function activate(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      // The native bindings register the 'tensorflow' backend on import.
      await import(TFJS_NODE_GPU);
      break;
    case 'tensorflow':
      await import(TFJS_NODE);
      break;
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm');
      useFastWasmTransposedMatMul();
      break;
    case 'cpu':
      break;
  }
  const tfName = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') returned false`);
  await tf.ready();
  silenceNodeBackendAdvice();
}

/**
 * tfjs's CPU backend greets its first tensor in Node with a banner telling the user to install
 * tfjs-node. `selectBackend` already says which backend runs and why the faster ones were
 * skipped (tfjs-node's install needs the internet), so the banner only buries the progress.
 * It is keyed on the backend's own first-use flag; every other tfjs warning stays.
 */
function silenceNodeBackendAdvice(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

function parseForced(value: string | undefined, source: string): BackendName | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(
    `${source}: expected one of auto, ${BACKENDS.join(', ')}; found ${JSON.stringify(value)}`,
  );
}

/**
 * Picks the fastest backend that loads here: tfjs-node-gpu, then tfjs-node (both optional
 * dependencies whose install needs the internet), then wasm, then pure-JS cpu. `SFE_BACKEND`
 * wins over `configured`; a forced backend that fails to load is an error, not a fallback.
 */
export async function selectBackend(
  configured: BackendName | 'auto' = 'auto',
  log: (line: string) => void = (line) => console.error(line),
): Promise<BackendChoice> {
  const fromEnv = parseForced(process.env[BACKEND_ENV], BACKEND_ENV);
  const requested = fromEnv !== 'auto' ? fromEnv : parseForced(configured, 'backend');
  const skipped: BackendChoice['skipped'] = [];
  if (requested !== 'auto') {
    await activate(requested);
    log(`[sfe] tfjs backend: ${requested} (forced)`);
    return { requested, active: requested, skipped };
  }
  for (const candidate of BACKENDS) {
    try {
      await activate(candidate);
      log(
        `[sfe] tfjs backend: ${candidate}${skipped.length ? ` (skipped ${skipped.map((s) => s.backend).join(', ')})` : ''}`,
      );
      return { requested, active: candidate, skipped };
    } catch (err) {
      skipped.push({
        backend: candidate,
        reason: err instanceof Error ? err.message.split('\n')[0]! : String(err),
      });
    }
  }
  throw new Error(
    `no tfjs backend could be loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`,
  );
}
