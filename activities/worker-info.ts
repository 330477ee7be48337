import { hostname } from 'node:os';
import { Context } from '@temporalio/activity';
import { describeActiveBackend, type BackendInfo } from '../ml/backend-info.js';

export interface WorkerInfo {
  taskQueue: string;
  hostname: string;
  pid: number;
  node: string;
  /** What the worker computes on: backend, TensorFlow version, devices, threads. */
  backend: BackendInfo;
}

/** Answers with who ran it, so that `sfe doctor` can show which machines serve each queue. */
export async function describeWorker(): Promise<WorkerInfo> {
  return {
    taskQueue: Context.current().info.taskQueue,
    hostname: hostname(),
    pid: process.pid,
    node: process.version,
    backend: await describeActiveBackend(),
  };
}
