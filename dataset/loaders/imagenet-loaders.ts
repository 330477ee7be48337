import { classSetWnids } from '../imagenet-classes.js';
import type { ImageSource } from '../sources/image-source.js';
import { scanWnidTree, type ClassTree } from './wnid-tree.js';

/** ImageNet-A (`<root>/<wnid>/*.jpg`): the natural adversarial images. Without explicit classes,
 * the README class list if present, else the 200 ImageNet-A wnids. */
export async function loadImageNetA(
  source: ImageSource,
  classes?: readonly string[],
): Promise<ClassTree> {
  return scanWnidTree(source, 'adversarial', classes, await classSetWnids('imagenet-a'));
}

/** Benign ImageNet images in wnid folders (a train or a val tree), restricted to `classes`,
 * normally those of the adversarial set. */
export function loadBenignImageNet(
  source: ImageSource,
  classes: readonly string[],
): Promise<ClassTree> {
  return scanWnidTree(source, 'benign', classes, classes);
}

/** ImageNet-O (`<root>/<wnid>/*.JPEG`): out-of-distribution images, 200 wnids by default. */
export async function loadImageNetO(
  source: ImageSource,
  classes?: readonly string[],
): Promise<ClassTree> {
  return scanWnidTree(source, 'ood', classes, await classSetWnids('imagenet-o'));
}

/** The in-distribution reference of the ImageNet-O evaluation: benign ImageNet images (val holds
 * all 1000 classes) of the ImageNet-O classes. */
export async function loadInDistribution(source: ImageSource): Promise<ClassTree> {
  const classes = await classSetWnids('imagenet-o');
  return scanWnidTree(source, 'in-distribution', classes, classes);
}
