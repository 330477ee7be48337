import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { withConvGradientBackend } from '../../ml/conv-gradient-backend.js';
import { loadImageBatch } from '../../ml/images/load-image-batch.js';
import { createSourceReader } from '../../ml/images/read-source.js';
import { loadLayersModelFromUri, pinModelFiles } from '../../ml/models/load-model.js';
import { ModelLoadError } from '../../ml/models/model-load-error.js';
import type { ModelFileDigests } from '../../ml/models/pinned-reader.js';
import { trainSmallCnn } from '../../ml/models/train-small-cnn.js';
import { MIN_CLASSES } from '../../dataset/dataset-requirements.js';
import { loadImagenetClasses } from '../../ml/metrics/imagenet-classes.js';
import { commitArtifact } from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { committedManifest, jsonPart, readJsonPart } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import { InputError } from '../input-error.js';
import { layersModelParts, loadLayersModelArtifact } from '../model-artifact.js';
import { imagePipelineOf } from '../model-image-pipeline.js';
import { pinPretrainedModel, type PinnedModel } from '../pretrained-model.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { readDatasetClasses, readDatasetManifest, type DatasetClass } from './dataset-stage.js';

const CLASSES_PART = 'classes.json';
const MODEL_REF_PART = 'model-ref.json';
const HISTORY_PART = 'history.json';
/** Images decoded per step while loading the small CNN's training set. */
const LOAD_BATCH = 256;

type ModelConfig = ExperimentConfig['targetModel'];

async function trainTargetCnn(
  ctx: StageContext,
  config: ExperimentConfig,
  dataset: StageRef,
  prefix: string,
) {
  const model = config.targetModel;
  const training = model.training!;
  const classes = await readDatasetClasses(ctx.store, dataset);
  if (classes.length < MIN_CLASSES) {
    throw new InputError(
      `targetModel: training the small CNN needs at least ${MIN_CLASSES} classes; the data set has ${classes.length}`,
    );
  }
  const labelOf = new Map(classes.map((c, i) => [c.wnid, i]));
  const entries = (await readDatasetManifest(ctx.store, dataset)).entries.filter(
    (e) => e.role === 'benign' && e.split === 'train',
  );
  const read = createSourceReader();
  const chunks: tf.Tensor4D[] = [];
  const labels: number[] = [];
  for (let start = 0; start < entries.length; start += LOAD_BATCH) {
    const slice = entries.slice(start, start + LOAD_BATCH);
    const batch = await loadImageBatch(slice, imagePipelineOf(model), read);
    if (batch.images) chunks.push(batch.images);
    for (const position of batch.positions) labels.push(labelOf.get(slice[position]!.wnid)!);
    ctx.progress({
      unit: 'images loaded',
      done: Math.min(start + LOAD_BATCH, entries.length),
      total: entries.length,
    });
  }
  if (labels.length === 0)
    throw new InputError(
      'the data set has no readable benign training image to train the small CNN on',
    );
  const images = tf.concat(chunks) as tf.Tensor4D;
  tf.dispose(chunks);
  const trained = await trainSmallCnn(
    images,
    Int32Array.from(labels),
    classes.length,
    { ...training, seed: training.seed ?? config.seed },
    (unit, done, total, loss, accuracy) =>
      ctx.progress({ unit, done, total, recent: { loss, accuracy } }),
  ).finally(() => images.dispose());
  const { model: cnn, history, shape } = trained;
  try {
    return await commitArtifact(
      ctx.store,
      prefix,
      [
        ...(await layersModelParts(cnn)),
        jsonPart(CLASSES_PART, classes),
        jsonPart(HISTORY_PART, shape ? { ...history, shape } : history),
      ],
      {
        kind: 'small-cnn',
        classes: classes.length,
        trainImages: labels.length,
        trainAccuracy: history.accuracy.at(-1) ?? 0,
        ...(shape ? { shapePathTrainAccuracy: shape.accuracy.at(-1) ?? 0 } : {}),
      },
    );
  } finally {
    cnn.dispose();
  }
}

/** What the stage records of a pretrained model: where it is and the digest of every file. */
interface ModelReference extends PinnedModel {
  files: ModelFileDigests;
}

/** A pretrained model is referenced, not copied: the stage pins the digest of each of its files. */
async function referencePretrained(ctx: StageContext, model: ModelConfig, prefix: string) {
  const pinned = await pinPretrainedModel(model);
  let files: ModelFileDigests;
  try {
    files = await pinModelFiles(pinned.uri);
  } catch (err) {
    if (err instanceof ModelLoadError) throw new InputError(`targetModel.uri: ${err.message}`);
    throw err;
  }
  const reference: ModelReference = { ...pinned, files };
  const classes: DatasetClass[] = (await loadImagenetClasses()).map((c) => ({
    wnid: c.wnid,
    name: c.name,
  }));
  return commitArtifact(
    ctx.store,
    prefix,
    [jsonPart(MODEL_REF_PART, reference), jsonPart(CLASSES_PART, classes)],
    { kind: model.kind, uri: pinned.uri, classes: classes.length },
  );
}

/** Stage 2: the model under defense — the small CNN trained on the benign images, or a pretrained one. */
export function runTargetModelStage(
  ctx: StageContext,
  config: ExperimentConfig,
  dataset: StageRef,
  force: boolean,
): Promise<StageRef> {
  const small = config.targetModel.kind === 'small-cnn';
  return runCachedStage(
    ctx,
    // A pretrained model does not depend on the data set: one reference serves every data set.
    { stage: 'targetModel', config: config.targetModel, inputs: small ? [dataset] : [], force },
    (prefix) =>
      small
        ? // Stage activities run one at a time per GPU worker, so switching backends is safe here.
          withConvGradientBackend(() => trainTargetCnn(ctx, config, dataset, prefix))
        : referencePretrained(ctx, config.targetModel, prefix),
  );
}

export interface TargetModel {
  model: tf.LayersModel;
  /** The model's output classes in output order (after `head.labelOffset`). */
  classes: DatasetClass[];
}

export async function loadTargetModel(store: ArtifactStore, ref: StageRef): Promise<TargetModel> {
  const manifest = await committedManifest(store, ref.key);
  const classes = (await readJsonPart(store, manifest, CLASSES_PART)) as DatasetClass[];
  if (manifest.parts.some((p) => p.name === MODEL_REF_PART)) {
    const { uri, files } = (await readJsonPart(store, manifest, MODEL_REF_PART)) as ModelReference;
    try {
      return { model: await loadLayersModelFromUri(uri, {}, files), classes };
    } catch (err) {
      if (!(err instanceof ModelLoadError)) throw err;
      throw new InputError(
        `targetModel.uri: ${err.message}; if the model was replaced on purpose, rerun with --force targetModel`,
      );
    }
  }
  return { model: await loadLayersModelArtifact(store, manifest, ref.key), classes };
}
