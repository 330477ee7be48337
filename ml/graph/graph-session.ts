import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphBuilder } from './graph-def.js';
import { ProtoWriter } from './protobuf-writer.js';

/** The SavedModel-session calls of tfjs-node's backend (nodejs_kernel_backend.ts). */
interface SessionBackend {
  loadSavedModelMetaGraph(path: string, tags: string): number;
  runSavedModel(
    id: number,
    inputs: tf.Tensor[],
    inputInfos: { name: string }[],
    outputNames: string[],
  ): tf.Tensor[];
  deleteSavedModel(id: number): void;
}

const TAG = 'serve';

function savedModelBytes(graph: GraphBuilder): Uint8Array {
  return new ProtoWriter()
    .int(1, 1) // saved_model_schema_version
    .message(2, (meta) =>
      meta.message(1, (info) => info.string(4, TAG)).message(2, (g) => graph.write(g)),
    )
    .finish();
}

function sessionBackend(): SessionBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const backend = tf.backend() as unknown as Partial<SessionBackend>;
  return typeof backend.loadSavedModelMetaGraph === 'function'
    ? (backend as SessionBackend)
    : undefined;
}

/**
 * A graph run by a TensorFlow session rather than op by op: TensorFlow optimises it as a whole
 * (Grappler fuses convolution, batch norm and activation; oneDNN picks its kernels) and runs
 * independent branches in parallel, as Keras's compiled `predict` does. tfjs-node reaches
 * sessions only through SavedModels, so the graph is written as one (its weights are constants,
 * so it has no variables to restore) to a temporary folder that is removed once loaded.
 */
export class GraphSession {
  private disposed = false;

  private constructor(
    private readonly backend: SessionBackend,
    private readonly id: number,
  ) {}

  /** Whether the active backend can run graphs (tfjs-node's, CPU or GPU). */
  static available(): boolean {
    return sessionBackend() !== undefined;
  }

  static load(graph: GraphBuilder): GraphSession {
    const backend = sessionBackend();
    if (!backend)
      throw new Error(`graph sessions need the tensorflow backend, not ${tf.getBackend()}`);
    const dir = mkdtempSync(join(tmpdir(), 'sfe-graph-'));
    try {
      writeFileSync(join(dir, 'saved_model.pb'), savedModelBytes(graph));
      return new GraphSession(backend, backend.loadSavedModelMetaGraph(dir, TAG));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * Feeds each `[tensor name, value]` and returns the `fetches` (graph tensors, `node` or
   * `node:k`), tracked by tfjs like any op's outputs. Only what the fetches need runs.
   */
  run(feeds: readonly (readonly [string, tf.Tensor])[], fetches: readonly string[]): tf.Tensor[] {
    if (this.disposed) throw new Error('graph session already disposed');
    return this.backend.runSavedModel(
      this.id,
      feeds.map(([, value]) => value),
      feeds.map(([name]) => ({ name })),
      [...fetches],
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.deleteSavedModel(this.id);
  }
}
