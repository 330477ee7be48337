import * as tf from '@tensorflow/tfjs';

export interface SplitModel {
  /** input → the feature layer's output. */
  backbone: tf.LayersModel;
  /** feature layer's output → the model's output (probabilities), sharing the model's weights. */
  head: tf.LayersModel;
  /** The feature layer's output shape without the batch axis (e.g. [2048]). */
  featureShape: number[];
}

type Layer = tf.layers.Layer;

function singleInboundLayer(layer: Layer): Layer {
  // Node 0 is the call that built the model; later nodes come from reuse such as an earlier split.
  const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
  if (inbound.length !== 1) {
    throw new Error(
      `cannot split at a layer that is followed by a non-sequential tail: layer ${layer.name} has ${inbound.length} inputs`,
    );
  }
  return inbound[0]!;
}

/** The layers after `featureLayer` up to the model's output, in forward order. */
function tailLayers(model: tf.LayersModel, featureLayer: Layer): Layer[] {
  if (model.outputs.length !== 1) {
    throw new Error(`cannot split model ${model.name}: it has ${model.outputs.length} outputs`);
  }
  const tail: Layer[] = [];
  let layer = model.outputLayers[0]!;
  while (layer !== featureLayer) {
    tail.unshift(layer);
    if (layer.inboundNodes[0]?.inboundLayers.length === 0) {
      throw new Error(`layer ${featureLayer.name} does not lead to the output of ${model.name}`);
    }
    layer = singleInboundLayer(layer);
  }
  return tail;
}

/**
 * Splits `model` at `featureLayerName` into backbone and head so that
 * `head(backbone(x)) = model(x)`. The head is rebuilt by re-applying the layers after the feature
 * layer to a new Input, which needs them to form a chain (avg_pool → predictions, or MobileNet's
 * reshape → dropout → 1×1 conv → softmax → reshape).
 */
export function splitModel(model: tf.LayersModel, featureLayerName: string): SplitModel {
  const featureLayer = model.getLayer(featureLayerName);
  const featureOutput = featureLayer.output;
  if (Array.isArray(featureOutput)) {
    throw new Error(`feature layer ${featureLayerName} has several outputs`);
  }
  const tail = tailLayers(model, featureLayer);
  const featureShape = featureOutput.shape.slice(1) as number[];
  const backbone = tf.model({
    inputs: model.inputs,
    outputs: featureOutput,
    name: `${model.name}_backbone`,
  });
  const headInput = tf.input({ shape: featureShape, name: `${featureLayerName}_features` });
  let x: tf.SymbolicTensor = headInput;
  for (const layer of tail) x = layer.apply(x) as tf.SymbolicTensor;
  const head = tf.model({ inputs: headInput, outputs: x, name: `${model.name}_head` });
  return { backbone, head, featureShape };
}
