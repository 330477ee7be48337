import type * as tf from '@tensorflow/tfjs';
import { FLOAT_T, GraphBuilder } from './graph-def.js';
import { GraphSession } from './graph-session.js';
import { addLayersModel } from './layers-graph.js';

/**
 * Compiles `models` applied one after another (each takes the previous one's single output) into
 * one TensorFlow graph session whose outputs are every model's output, in order. The weights are
 * read now: a later change to them is not seen. Throws UnsupportedLayerError when a layer has no
 * graph form (see layers-graph.ts).
 */
export function compileChain(models: readonly tf.LayersModel[]): CompiledChain {
  const first = models[0];
  if (!first || first.inputs.length !== 1)
    throw new Error('compileChain needs models of one input each');
  const graph = new GraphBuilder();
  const input = graph.placeholder(
    'input',
    first.inputs[0]!.shape.map((d) => d ?? -1),
  );
  const outputs: string[] = [];
  let x = input;
  for (const model of models) {
    const [y, ...more] = addLayersModel(graph, model, [x]);
    if (more.length > 0)
      throw new Error(`model ${model.name} has ${more.length + 1} outputs; a chain needs one`);
    outputs.push(y!);
    x = y!;
  }
  const named = outputs.map((name, i) => graph.op('Identity', `output_${i}`, [name], FLOAT_T));
  return new CompiledChain(GraphSession.load(graph), input, named);
}

/** A compiled chain of models: one input, every model's output. */
export class CompiledChain {
  constructor(
    private readonly session: GraphSession,
    private readonly input: string,
    private readonly outputs: string[],
  ) {}

  /** Every model's output for `x`, in chain order; the caller disposes them. */
  run(x: tf.Tensor): tf.Tensor[] {
    return this.session.run([[this.input, x]], this.outputs);
  }

  dispose(): void {
    this.session.dispose();
  }
}
