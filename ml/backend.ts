import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { useAliasingNativeReshape } from './training/native-reshape.js';
import { useFastWasmTransposedMatMul } from './training/wasm-matmul.js';
import { describeActiveBackend, formatBackendInfo, type BackendInfo } from './backend-info.js';

export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendChoice {
  /** What was asked for: a forced backend, or 'auto'. */
  requested: BackendName | 'auto';
  /** What tfjs runs on now. */
  active: BackendName;
  /** Why each better backend was passed over, in order of preference. */
  skipped: { backend: BackendName; reason: string }[];
  /** Version, devices and threads of the active backend. */
  info: BackendInfo;
}

const NVIDIA_DEVICE = '/dev/nvidiactl';

/** The environment variable that forces a backend, overriding config. */
export const BACKEND_ENV = 'SFE_BACKEND';

// Held in variables so that the type checker does not demand packages that are not npm
// dependencies: infra/native/install-tfjs-node.sh builds them where it can.
const TFJS_NODE_GPU: string = '@tensorflow/tfjs-node-gpu';
const TFJS_NODE: string = '@tensorflow/tfjs-node';

/**
 * TensorFlow reads these once, when the native library loads. Op determinism makes the native
 * kernels pick reproducible algorithms (bit-identical resume, see README); memory growth stops
 * TensorFlow from taking the whole GPU at start; level 2 keeps its info banners out of the logs.
 * A value the user set wins.
 */
const NATIVE_ENV_DEFAULTS = {
  TF_DETERMINISTIC_OPS: '1',
  TF_FORCE_GPU_ALLOW_GROWTH: 'true',
  TF_CPP_MIN_LOG_LEVEL: '2',
} as const;

function setNativeEnvDefaults(): void {
  for (const [name, value] of Object.entries(NATIVE_ENV_DEFAULTS)) process.env[name] ??= value;
}

async function activate(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      // The native bindings register the 'tensorflow' backend on import.
      setNativeEnvDefaults();
      await import(TFJS_NODE_GPU);
      useAliasingNativeReshape();
      break;
    case 'tensorflow':
      setNativeEnvDefaults();
      await import(TFJS_NODE);
      useAliasingNativeReshape();
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
 * Picks the fastest backend that loads here: tfjs-node-gpu, then tfjs-node (both built by
 * infra/native/install-tfjs-node.sh where it can), then wasm, then pure-JS cpu. `SFE_BACKEND`
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
    const info = await describeActiveBackend();
    log(`[sfe] tfjs backend: ${formatBackendInfo(info, requested)}, forced`);
    return { requested, active: requested, skipped, info };
  }
  for (const candidate of BACKENDS) {
    // Loaded without a GPU, the GPU build would run on the CPU and could not be unloaded for the
    // CPU build; NVIDIA's driver makes this device node.
    if (candidate === 'tensorflow-gpu' && !existsSync(NVIDIA_DEVICE)) {
      skipped.push({ backend: candidate, reason: `no NVIDIA GPU (${NVIDIA_DEVICE} is missing)` });
      continue;
    }
    try {
      await activate(candidate);
      const info = await describeActiveBackend();
      log(
        `[sfe] tfjs backend: ${formatBackendInfo(info, candidate)}${skipped.length ? `, skipped ${skipped.map((s) => s.backend).join(', ')}` : ''}`,
      );
      return { requested, active: candidate, skipped, info };
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
