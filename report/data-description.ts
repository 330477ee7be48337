import type { DataConfig } from '../config-schema/data-schema.js';
import type { DataSummary } from './report-model.js';

/**
 * What the images of an experiment are, in the report's words, from its data config: the demo
 * world is named as what it is, and "ImageNet-A" only appears where the images are ImageNet-A.
 */
export function describeData(data: DataConfig): NonNullable<DataSummary['description']> {
  if (data.kind === 'demo') {
    return {
      summary:
        `Demo world (not ImageNet): ${data.classes} procedurally generated shape classes, ` +
        `${data.imageSize}×${data.imageSize} px, on striped backgrounds whose colour and direction ` +
        `go with the class in ${Math.round(100 * data.cueAgreement)}% of benign images and belong to ` +
        'another class in every adversarial one.',
      adversarial: 'demo world, misleading background',
      benign: 'demo world, benign',
      imagenet: false,
    };
  }
  const where = `read from ${data.kind === 'folder' ? 'folders' : data.kind === 'tar' ? 'tar archives' : 'S3'}`;
  if (data.adversarialFrom === 'filtration') {
    return {
      summary:
        `Photos ${where} (${data.benignRoot}); the adversarial images are the views of them ` +
        'the target model gets wrong (adversarial filtration), the benign ones those it gets right.',
      adversarial: 'filtered views the model gets wrong',
      benign: 'photos',
      imagenet: false,
    };
  }
  if (data.adversarialFrom === 'attack') {
    const { method, epsilon, steps } = data.attack;
    const how = method === 'fgsm' ? 'FGSM' : `PGD (${steps} steps)`;
    return {
      summary:
        `Photos ${where} (${data.benignRoot}); the adversarial images are the same photos ` +
        `perturbed by ${how} against the target model, L∞ ε = ${Math.floor(epsilon * 255 + 1e-6)}/255.`,
      adversarial: `${method.toUpperCase()}-attacked photos`,
      benign: 'photos',
      imagenet: false,
    };
  }
  const imagenetA = data.classes === 'imagenet-a';
  return {
    summary: imagenetA
      ? `ImageNet-A natural adversarial examples (${data.adversarialRoot}) and ImageNet photos of ` +
        `the same 200 classes (${data.benignRoot}), ${where}.`
      : `Adversarial images from ${data.adversarialRoot} and benign images from ${data.benignRoot}, ` +
        `${where}, in ${Array.isArray(data.classes) ? `${data.classes.length} ImageNet classes` : data.classes}.`,
    adversarial: imagenetA ? 'ImageNet-A' : 'adversarial set',
    benign: imagenetA ? 'ImageNet' : 'benign set',
    imagenet: true,
  };
}
