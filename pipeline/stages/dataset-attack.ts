import sharp from 'sharp';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { attackSelectedPhotos, type PhotoAttack } from '../../dataset/attack/attack-photos.js';
import type { ImageRoots } from '../../dataset/build-dataset.js';
import type { Problem } from '../../dataset/manifest.js';
import { attackImages } from '../../ml/attacks/pixel-attack.js';
import { withConvGradientBackend } from '../../ml/conv-gradient-backend.js';
import { decodeForModel, type RgbImage } from '../../ml/images/decode-image.js';
import type { StageContext } from '../stage-context.js';
import { loadTargetModelPhotos, storedRoots, type ImageData } from './target-model-photos.js';

export interface AttackedData {
  /** The photos and their attacked copies as an ImageNet-A-style pair of roots in the store. */
  data: ImageRoots;
  attack: PhotoAttack;
  /** The benign root's own problems (missing classes, unreadable files). */
  problems: Problem[];
}

function png(image: RgbImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * `data.adversarialFrom: attack`: attacks the model's input of each view of each benign photo with FGSM or PGD
 * against the pretrained target model and writes the copy, as lossless PNG so the perturbation
 * survives, under `<prefix>/attacked/adversarial/<wnid>/`, the photo itself under
 * `…/benign/<wnid>/`, where the data set is then built from as from any root.
 */
export async function attackWithTargetModel(
  ctx: StageContext,
  config: ExperimentConfig,
  data: ImageData,
  prefix: string,
): Promise<AttackedData> {
  const { views, ...attack } = data.attack;
  const root = `${prefix}/attacked`;
  // The gradients run through convolutions: the wasm backend has no kernels for them.
  const result = await withConvGradientBackend(async () => {
    const target = await loadTargetModelPhotos(config, data);
    const { model, pipeline, scores, wnids } = target;
    try {
      return await attackSelectedPhotos(
        target.tree,
        target.selection,
        {
          op: {
            kind: 'attack',
            method: attack.method,
            epsilon: attack.epsilon,
            steps: attack.method === 'fgsm' ? 1 : attack.steps,
          },
          views,
          seed: data.sampling.seed,
          batchSize: config.featureExtraction.batchSize,
        },
        {
          attack: async (photos, classes) => {
            const views = await Promise.all(photos.map((bytes) => decodeForModel(bytes, pipeline)));
            const labels = classes.map((wnid) => scores.labelOffset + wnids.indexOf(wnid));
            const attacked = attackImages(model, views, labels, pipeline.preprocessing, attack);
            return Promise.all(attacked.map(png));
          },
          classify: target.classify,
          write: (role, wnid, name, bytes) =>
            ctx.store.put(`${root}/${role}/${wnid}/${name}`, bytes),
          onProgress: (done, total) => ctx.progress({ unit: 'views attacked', done, total }),
        },
      );
    } finally {
      model.dispose();
    }
  });
  return {
    data: storedRoots(
      ctx.store,
      root,
      result.classes.map((c) => c.wnid),
      data,
    ),
    attack: result,
    problems: result.problems,
  };
}
