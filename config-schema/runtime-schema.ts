import * as z from 'zod';
import type { BackendName } from '../ml/backend.js';
import { nonEmptyString, positiveInt, storageUriSchema } from './primitives.js';

// Listed here rather than imported: ml/backend.ts loads tfjs, which validating a config must
// not. The type check below keeps the two lists equal.
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const backendsMatch: Same<(typeof BACKEND_CHOICES)[number], BackendName | 'auto'> = true;
void backendsMatch;

export const backendSchema = z.enum(BACKEND_CHOICES).default('auto');

export const storageSchema = z.strictObject({
  /** `s3://bucket/prefix`, `file:///path` or a plain path (relative to the working folder). */
  uri: storageUriSchema.default('./runs'),
});

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const taskQueueName = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, { error: 'expected a task queue name of letters, digits, . _ -' });

export const temporalSchema = z.strictObject({
  /** host:port of a Temporal frontend; absent means TEMPORAL_ADDRESS, else a local dev server. */
  address: nonEmptyString.regex(HOST_PORT, { error: 'expected HOST:PORT' }).optional(),
  namespace: nonEmptyString.default('default'),
  taskQueues: z
    .strictObject({
      cpu: taskQueueName.default('sfe-cpu'),
      gpu: taskQueueName.default('sfe-gpu'),
    })
    .prefault({}),
  /**
   * A running stage that sends no heartbeat for this long is presumed dead and retried elsewhere.
   * Generous because one batch of CPU-bound tfjs work holds the event loop (SPEC §3): a 32-image
   * InceptionV3 batch on the pure-JS backend takes minutes. Tests that kill workers lower it.
   */
  heartbeatTimeoutSeconds: positiveInt.default(300),
});

export type StorageConfig = z.output<typeof storageSchema>;
export type TemporalConfig = z.output<typeof temporalSchema>;
