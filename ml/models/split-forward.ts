import * as tf from '@tensorflow/tfjs';
import { compileChain, type CompiledChain } from '../graph/compile-layers.js';
import { GraphSession } from '../graph/graph-session.js';
import { UnsupportedLayerError } from '../graph/layers-graph.js';
import type { SplitModel } from './split-model.js';

/** A split model's inference: features and head outputs of a batch in one call. */
export interface SplitForward {
  /** Features and head outputs of `images`; the caller disposes them. */
  run(images: tf.Tensor): [features: tf.Tensor, outputs: tf.Tensor];
  /** How it runs, for logs: one TensorFlow graph, or op by op and why. */
  readonly mode: string;
  dispose(): void;
}

function eager(model: Pick<SplitModel, 'backbone' | 'head'>, why: string): SplitForward {
  return {
    run: (images) =>
      tf.tidy(() => {
        const features = model.backbone.predict(images) as tf.Tensor;
        return [features, model.head.predict(features) as tf.Tensor];
      }),
    mode: `op by op (${why})`,
    dispose: () => undefined,
  };
}

/**
 * On tfjs-node, backbone and head become one TensorFlow graph session (graph-session.ts), which
 * runs InceptionV3 about 1.3× faster than op by op on the CPU and matches it to float rounding;
 * elsewhere, or where a layer has no graph form, they run op by op. The weights are read now.
 */
export function compileSplitForward(model: Pick<SplitModel, 'backbone' | 'head'>): SplitForward {
  if (!GraphSession.available())
    return eager(model, `the ${tf.getBackend()} backend runs no graphs`);
  let chain: CompiledChain;
  try {
    chain = compileChain([model.backbone, model.head]);
  } catch (err) {
    // Slower but sound: a model TensorFlow cannot take as a graph (e.g. one over protobuf's
    // 2 GB) still runs, and the mode says why.
    const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return eager(
      model,
      err instanceof UnsupportedLayerError ? message : `the graph failed: ${message}`,
    );
  }
  return {
    run: (images) => {
      const [features, outputs] = chain.run(images);
      return [features!, outputs!];
    },
    mode: 'one TensorFlow graph',
    dispose: () => chain.dispose(),
  };
}
