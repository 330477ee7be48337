import * as z from 'zod';
import { dataSchema } from '../config-schema/data-schema.js';
import { seedSchema } from '../config-schema/primitives.js';
import { splitSchema } from '../config-schema/split-schema.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { S3Connection } from '../store/s3-store.js';
import { generateDemoWorld, type DemoWorld } from './demo-world.js';
import { classIndexByWnid, resolveClasses } from './imagenet-classes.js';
import { auditLeakage, auditOptionsSchema, type LeakageAudit } from './leakage-audit.js';
import {
  loadBenignImageNet,
  loadImageNetA,
  loadImageNetO,
  loadInDistribution,
} from './loaders/imagenet-loaders.js';
import { withoutPaths, type ClassTree } from './loaders/wnid-tree.js';
import {
  augmentationOpSchema,
  makeManifest,
  problemSchema,
  type Manifest,
  type ManifestEntry,
  type Problem,
  type Role,
} from './manifest.js';
import { originalEntry, renderEntries, type UnindexedEntry } from './manifest-entries.js';
import { originalImageId, pairImages, planSplit } from './sample-split.js';
import { selectImages } from './select-images.js';
import type { ImageSource } from './sources/image-source.js';
import { openImageSource, type SourceKind } from './sources/open-source.js';

export const buildDatasetOptionsSchema = z.strictObject({
  /** The config's `data` section. */
  data: dataSchema,
  /** The config's `split` section. */
  split: splitSchema.prefault({}),
  /** The experiment seed: the default of `data.sampling.seed` and `split.seed`. */
  seed: seedSchema,
  /** Folder the demo world is generated in (`data.kind: demo`); kept between runs as a cache,
   * so give each demo configuration its own folder. */
  demoRoot: z.string().min(1).optional(),
  /** Store key prefix for augmented copies; their keys derive from the original's content and
   * the op, so a rerun overwrites identical bytes. */
  augmentedPrefix: z.string().min(1).default('dataset/augmented'),
  audit: auditOptionsSchema.prefault({}),
  /**
   * Images that are views of another image (adversarial filtration), by sha256: their manifest
   * entries record it, and views of one photo stay on one side of the leak-free split.
   */
  lineage: z
    .record(z.string(), z.strictObject({ of: z.string(), op: augmentationOpSchema }))
    .default({}),
  /** Problems found before the build (e.g. classes adversarial filtration left out), listed
   * first in the manifest. */
  problems: z.array(problemSchema).default([]),
});
export type BuildDatasetOptions = z.input<typeof buildDatasetOptionsSchema>;
/** Image roots as a config gives them (defaults may be left out). */
export type ImageRoots = Exclude<BuildDatasetOptions['data'], { kind: 'demo' }>;
type Options = z.output<typeof buildDatasetOptionsSchema>;

export interface DatasetProgress {
  stage: 'generate' | 'scan' | 'select' | 'augment' | 'audit';
  done: number;
  total: number;
}

export interface BuildDatasetDeps {
  /** Where augmented copies are written. */
  store: ArtifactStore;
  /** Connection for `data.kind: s3` roots; absent means the environment's settings. */
  s3?: S3Connection;
  onProgress?: (progress: DatasetProgress) => void;
}

export interface BuiltDataset {
  manifest: Manifest;
  audit: LeakageAudit;
  /** Present for `data.kind: demo`. */
  demo?: DemoWorld;
}

/** Where the images come from, once the demo world exists. */
interface Inputs {
  kind: SourceKind;
  adversarialRoot: string;
  benignRoot: string;
  imagenetORoot?: string;
  classes: readonly string[];
  /** Pairs per class at most; undefined keeps all. */
  cap?: number;
  minImagesPerClass: number;
  demo?: DemoWorld;
}

/**
 * Loaders → seeded selection → pairing → split (SPEC §2.1 protocols) → augmented copies in the
 * store → manifest and leakage audit. Bad files end in `manifest.problems`; only a data set left
 * without enough images per class throws (`DatasetTooSmallError`).
 */
export async function buildDataset(
  input: BuildDatasetOptions,
  deps: BuildDatasetDeps,
): Promise<BuiltDataset> {
  const options = buildDatasetOptionsSchema.parse(input);
  const report = deps.onProgress ?? (() => undefined);
  const seed = options.data.sampling.seed ?? options.seed;
  const inputs = await resolveInputs(options, seed, report);
  const indexOf = await classIndexByWnid();
  // Fail before any image is read, not after the augmentation.
  for (const wnid of inputs.classes) classIndexOf(indexOf, wnid);
  const open = (root: string): ImageSource =>
    openImageSource(inputs.kind, root, deps.s3 ? { s3: deps.s3 } : {});
  const { cap } = inputs;

  report({ stage: 'scan', done: 0, total: 2 });
  const adversarialTree = await loadImageNetA(open(inputs.adversarialRoot), inputs.classes);
  report({ stage: 'scan', done: 1, total: 2 });
  const benignTree = await loadBenignImageNet(open(inputs.benignRoot), [
    ...adversarialTree.byClass.keys(),
  ]);
  report({ stage: 'scan', done: 2, total: 2 });

  report({ stage: 'select', done: 0, total: 2 });
  const adversarial = await selectImages(adversarialTree, seed, () => cap);
  report({ stage: 'select', done: 1, total: 2 });
  // Benign images beyond the adversarial count of a class would find no partner: not read.
  const benign = await selectImages(benignTree, seed, (wnid) =>
    Math.min(cap ?? Infinity, adversarial.byClass.get(wnid)?.length ?? 0),
  );
  report({ stage: 'select', done: 2, total: 2 });
  const problems: Problem[] = [
    ...options.problems,
    ...adversarialTree.problems,
    ...benignTree.problems,
    ...adversarial.problems,
    ...benign.problems,
  ];

  const pairs = pairImages(benign, adversarial, {
    imagesPerClass: cap,
    minImagesPerClass: inputs.minImagesPerClass,
  });
  const planned = planSplit(pairs, {
    protocol: options.split.protocol,
    trainFraction: options.split.trainFraction,
    seed: options.split.seed ?? options.seed,
    augmentation: options.split.augmentation,
    originOf: (image) => options.lineage[image.sha256]?.of ?? originalImageId(image),
  });
  const trees = new Map<Role, ClassTree>([
    ['adversarial', adversarialTree],
    ['benign', benignTree],
  ]);
  const entries = (
    await renderEntries(planned, trees, deps.store, options.augmentedPrefix, (done, total) =>
      report({ stage: 'augment', done, total }),
    )
  ).map((e) => {
    const madeFrom = e.augmentation === null ? options.lineage[e.sha256] : undefined;
    return madeFrom === undefined ? e : { ...e, augmentation: madeFrom };
  });

  if (inputs.imagenetORoot !== undefined) {
    const pairedBenign = new Set(pairs.map((p) => p.benign.path));
    const sets = await Promise.all([
      loadImageNetO(open(inputs.imagenetORoot)),
      // The same benign root: ImageNet val holds the ImageNet-O classes too. Images already in
      // pairs stay out (59 classes are in both lists).
      loadInDistribution(open(inputs.benignRoot)).then((t) => withoutPaths(t, pairedBenign)),
    ]);
    for (const tree of sets) {
      const selection = await selectImages(tree, seed, () => cap);
      problems.push(...tree.problems, ...selection.problems);
      for (const images of selection.byClass.values()) {
        entries.push(...images.map((image) => originalEntry(image, 'test', null)));
      }
    }
  }

  const indexed = entries.map((e) => withClassIndex(e, indexOf)).sort(byClassRoleId);
  report({ stage: 'audit', done: 0, total: 1 });
  const audit = auditLeakage(indexed, options.audit);
  report({ stage: 'audit', done: 1, total: 1 });
  const manifest = makeManifest(options.split.protocol, indexed, problems);
  return inputs.demo === undefined ? { manifest, audit } : { manifest, audit, demo: inputs.demo };
}

async function resolveInputs(
  options: Options,
  seed: number,
  report: (progress: DatasetProgress) => void,
): Promise<Inputs> {
  const { data } = options;
  if (data.kind === 'demo') {
    if (options.demoRoot === undefined) {
      throw new Error('data.kind demo needs demoRoot: a folder for the generated images');
    }
    report({ stage: 'generate', done: 0, total: 1 });
    const demo = await generateDemoWorld(options.demoRoot, {
      seed,
      classes: data.classes,
      imagesPerClass: data.sampling.imagesPerClass,
      imageSize: data.imageSize,
      cueAgreement: data.cueAgreement,
    });
    report({ stage: 'generate', done: 1, total: 1 });
    return {
      kind: 'folder',
      adversarialRoot: demo.adversarialRoot,
      benignRoot: demo.benignRoot,
      classes: demo.classes.map((c) => c.wnid),
      cap: data.sampling.imagesPerClass,
      minImagesPerClass: 2,
      demo,
    };
  }
  if (data.adversarialFrom === 'filtration' || data.adversarialRoot === undefined) {
    throw new Error(
      'adversarialFrom "filtration" needs a target model: filter the images first (dataset/filtration) and build from the roots it writes',
    );
  }
  return {
    kind: data.kind,
    adversarialRoot: data.adversarialRoot,
    benignRoot: data.benignRoot,
    imagenetORoot: data.imagenetORoot,
    classes: await resolveClasses(data.classes),
    cap: data.sampling.imagesPerClass,
    minImagesPerClass: data.sampling.minImagesPerClass,
  };
}

function classIndexOf(indexOf: ReadonlyMap<string, number>, wnid: string): number {
  const index = indexOf.get(wnid);
  if (index === undefined) throw new Error(`class ${wnid} is not one of the 1000 ImageNet classes`);
  return index;
}

function withClassIndex(
  entry: UnindexedEntry,
  indexOf: ReadonlyMap<string, number>,
): ManifestEntry {
  return { ...entry, classIndex: classIndexOf(indexOf, entry.wnid) };
}

function byClassRoleId(a: ManifestEntry, b: ManifestEntry): number {
  return a.wnid.localeCompare(b.wnid) || a.role.localeCompare(b.role) || a.id.localeCompare(b.id);
}
