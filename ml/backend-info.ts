import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';

export interface BackendInfo {
  /** The tfjs backend name ('tensorflow' for both native packages). */
  backend: string;
  /** The TensorFlow C library's version, native backends only. */
  tensorflow?: string;
  /** 'CPU', or the names of the GPUs TensorFlow runs on. */
  devices: string[];
  /** Intra-op threads the backend computes with. */
  threads: number;
}

/** What tfjs-node's backend object carries beyond tfjs-core's KernelBackend. */
interface NativeBackend {
  binding: { TF_Version: string };
  isUsingGpuDevice: boolean;
}

function isNative(backend: unknown): backend is NativeBackend {
  return typeof (backend as Partial<NativeBackend>).binding?.TF_Version === 'string';
}

/** GPU names as the driver reports them; the binding itself only says whether it uses one. */
function gpuNames(): string[] {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const names = out.split('\n').map((line) => line.trim());
    return names.filter(Boolean).map((name, i) => `GPU ${i}: ${name}`);
  } catch {
    return ['GPU'];
  }
}

/** TensorFlow sizes its intra-op pool from this variable, else from the CPUs it may use. */
export function nativeIntraOpThreads(): number {
  const fromEnv = Number(process.env['TF_NUM_INTRAOP_THREADS']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/** Describes the backend tfjs runs on now, for the worker's start line, `sfe doctor` and the report. */
export async function describeActiveBackend(): Promise<BackendInfo> {
  const backend = tf.getBackend();
  const engine: unknown = tf.backend();
  if (backend === 'wasm') {
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    return { backend, devices: ['CPU'], threads: getThreadsCount() };
  }
  if (!isNative(engine)) return { backend, devices: ['CPU'], threads: 1 };
  return {
    backend,
    tensorflow: engine.binding.TF_Version,
    devices: engine.isUsingGpuDevice ? gpuNames() : ['CPU'],
    threads: nativeIntraOpThreads(),
  };
}

/** One line: "tensorflow (TensorFlow 2.16.2; CPU; 8 threads)". */
export function formatBackendInfo(info: BackendInfo, name: string = info.backend): string {
  const parts = [
    ...(info.tensorflow ? [`TensorFlow ${info.tensorflow}`] : []),
    info.devices.join(', '),
    `${info.threads} thread${info.threads === 1 ? '' : 's'}`,
  ];
  return `${name} (${parts.join('; ')})`;
}

export function usesGpu(info: BackendInfo): boolean {
  return info.devices.some((device) => device.startsWith('GPU'));
}
