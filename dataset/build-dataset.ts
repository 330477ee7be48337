import { sha256Hex } from '../store/content-address.js';
import * as z from 'zod';
import { dataSchema } from '../config/data-schema.js';
import { seedSchema } from '../config/primitives.js';
import { splitSchema } from '../config/split-schema.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { S3Connection } from '../store/s3-store.js';
import { augmentImage } from './augment.js';
import { generateDemoWorld, type DemoWorld } from './demo-world.js';
import { classIndexByWnid, resolveClasses } from './imagenet-classes.js';
import { auditLeakage, auditOptionsSchema, type LeakageAudit } from './leakage-audit.js';
import { loadBenignImageNet, loadImageNetA, loadImageNetO } from './loaders/imagenet-loaders.js';
import type { ClassTree } from './loaders/wnid-tree.js';
import { makeManifest, type Manifest, type ManifestEntry, type Problem } from './manifest.js';
import { dHash, hashToHex } from './perceptual-hash.js';
import { originalImageId, pairImages, planSplit, type PlannedImage } from './sample-split.js';
import { selectImages, type ValidImage } from './select-images.js';
import type { ImageSource } from './sources/image-source.js';
import { openImageSource, type SourceKind } from './sources/open-source.js';

export const buildDatasetOptionsSchema = z.strictObject({
  /** The config's `data` section. */
  data: dataSchema,
  /** The config's `split` section. */
  split: splitSchema.prefault({}),
  /** The experiment seed: the default of `data.sampling.seed` and `split.seed`. */
  seed: seedSchema,
  /** Folder the demo world is generated in (`data.kind: demo`); kept between runs as a cache. */
  demoRoot: z.string().min(1).optional(),
  /** Store key prefix for augmented copies; their keys are content-derived, so reruns overwrite
   * identical bytes. */
  augmentedPrefix: z.string().min(1).default('dataset/augmented'),
  audit: auditOptionsSchema.prefault({}),
});
export type BuildDatasetOptions = z.input<typeof buildDatasetOptionsSchema>;

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
  const { data } = options;
  const samplingSeed = data.sampling.seed ?? options.seed;
  let demo: DemoWorld | undefined;
  let kind: SourceKind;
  let adversarialRoot: string;
  let benignRoot: string;
  let classes: readonly string[];
  if (data.kind === 'demo') {
    if (options.demoRoot === undefined)
      throw new Error('data.kind demo needs demoRoot: a folder for the generated images');
    report({ stage: 'generate', done: 0, total: 1 });
    demo = await generateDemoWorld(options.demoRoot, {
      seed: samplingSeed,
      classes: data.classes,
      imagesPerClass: data.sampling.imagesPerClass,
      imageSize: data.imageSize,
      cueAgreement: data.cueAgreement,
    });
    report({ stage: 'generate', done: 1, total: 1 });
    kind = 'folder';
    adversarialRoot = demo.adversarialRoot;
    benignRoot = demo.benignRoot;
    classes = demo.classes.map((c) => c.wnid);
  } else {
    if (data.adversarialFrom === 'filtration' || data.adversarialRoot === undefined) {
      throw new Error(
        'adversarialFrom "filtration" needs a target model: the filtration stage builds that data set, not buildDataset',
      );
    }
    kind = data.kind;
    adversarialRoot = data.adversarialRoot;
    benignRoot = data.benignRoot;
    classes = await resolveClasses(data.classes);
  }
  const indexOf = await classIndexByWnid();
  // Fail before any image is read, not after the augmentation.
  for (const wnid of classes) classIndexOf(indexOf, wnid);
  const open = (root: string): ImageSource =>
    openImageSource(kind, root, deps.s3 ? { s3: deps.s3 } : {});
  const cap = data.sampling.imagesPerClass;
  const minImagesPerClass = data.kind === 'demo' ? 2 : data.sampling.minImagesPerClass;

  report({ stage: 'scan', done: 0, total: 2 });
  const adversarialTree = await loadImageNetA(open(adversarialRoot), classes);
  report({ stage: 'scan', done: 1, total: 2 });
  const benignTree = await loadBenignImageNet(open(benignRoot), [
    ...adversarialTree.byClass.keys(),
  ]);
  report({ stage: 'scan', done: 2, total: 2 });

  report({ stage: 'select', done: 0, total: 2 });
  const adversarial = await selectImages(adversarialTree, samplingSeed, () => cap);
  report({ stage: 'select', done: 1, total: 2 });
  // Benign images beyond the adversarial count of a class would find no partner: not read.
  const benign = await selectImages(benignTree, samplingSeed, (wnid) =>
    Math.min(cap ?? Infinity, adversarial.byClass.get(wnid)?.length ?? 0),
  );
  report({ stage: 'select', done: 2, total: 2 });
  const problems: Problem[] = [
    ...adversarialTree.problems,
    ...benignTree.problems,
    ...adversarial.problems,
    ...benign.problems,
  ];

  const pairs = pairImages(benign, adversarial, { imagesPerClass: cap, minImagesPerClass });
  const planned = planSplit(pairs, {
    protocol: options.split.protocol,
    trainFraction: options.split.trainFraction,
    seed: options.split.seed ?? options.seed,
    augmentation: options.split.augmentation,
  });
  const sources = new Map<ClassTree['role'], ClassTree>([
    ['adversarial', adversarialTree],
    ['benign', benignTree],
  ]);
  const entries = await renderEntries(
    planned,
    sources,
    deps.store,
    options.augmentedPrefix,
    report,
  );

  if (data.kind !== 'demo' && data.imagenetORoot !== undefined) {
    const oodTree = await loadImageNetO(open(data.imagenetORoot));
    const ood = await selectImages(oodTree, samplingSeed, () => cap);
    problems.push(...oodTree.problems, ...ood.problems);
    for (const images of ood.byClass.values()) {
      entries.push(...images.map((image) => originalEntry(image, 'test', null)));
    }
  }

  const indexed: ManifestEntry[] = entries
    .map((e) => ({ ...e, classIndex: classIndexOf(indexOf, e.wnid) }))
    .sort(
      (a, b) =>
        a.wnid.localeCompare(b.wnid) || a.role.localeCompare(b.role) || a.id.localeCompare(b.id),
    );
  report({ stage: 'audit', done: 0, total: 1 });
  const audit = auditLeakage(indexed, options.audit);
  report({ stage: 'audit', done: 1, total: 1 });
  const manifest = makeManifest(options.split.protocol, indexed, problems);
  return demo === undefined ? { manifest, audit } : { manifest, audit, demo };
}

function classIndexOf(indexOf: ReadonlyMap<string, number>, wnid: string): number {
  const index = indexOf.get(wnid);
  if (index === undefined) throw new Error(`class ${wnid} is not one of the 1000 ImageNet classes`);
  return index;
}

/** An entry before its 1000-way class index is looked up, which happens once for all. */
type UnindexedEntry = Omit<ManifestEntry, 'classIndex'>;

function originalEntry(
  image: ValidImage,
  split: ManifestEntry['split'],
  pairId: string | null,
): UnindexedEntry {
  return {
    id: originalImageId(image),
    uri: image.uri,
    wnid: image.wnid,
    role: image.role,
    split,
    sha256: image.sha256,
    dhash: image.dhash,
    pairId,
    augmentation: null,
  };
}

/** Originals become entries as they are; augmented copies are rendered from one read of each
 * original and written to the store. */
async function renderEntries(
  planned: readonly PlannedImage[],
  trees: ReadonlyMap<ClassTree['role'], ClassTree>,
  store: ArtifactStore,
  prefix: string,
  report: (progress: DatasetProgress) => void,
): Promise<UnindexedEntry[]> {
  const entries: UnindexedEntry[] = [];
  const copiesOf = new Map<string, PlannedImage[]>(); // original path → its copies, per role
  for (const image of planned) {
    if (image.augmentation === null) {
      entries.push(originalEntry(image.original, image.split, image.pairId));
      continue;
    }
    const key = `${image.role}\n${image.original.path}`;
    copiesOf.set(key, [...(copiesOf.get(key) ?? []), image]);
  }
  const total = [...copiesOf.values()].reduce((n, list) => n + list.length, 0);
  let done = 0;
  report({ stage: 'augment', done, total });
  for (const [role, tree] of trees) {
    const paths = [...copiesOf.keys()]
      .filter((k) => k.startsWith(`${role}\n`))
      .map((k) => k.slice(role.length + 1));
    for await (const result of tree.source.read(paths)) {
      // Selection read these bytes moments ago; failing now means the source changed underneath.
      if ('error' in result)
        throw new Error(`cannot re-read ${tree.source.uriOf(result.path)}: ${result.error}`);
      // One original's copies render together: sharp's thread pool and the store's writes overlap.
      const copies = copiesOf.get(`${role}\n${result.path}`)!;
      entries.push(
        ...(await Promise.all(copies.map((copy) => renderCopy(result.bytes, copy, store, prefix)))),
      );
      done += copies.length;
      report({ stage: 'augment', done, total });
    }
  }
  return entries;
}

async function renderCopy(
  original: Uint8Array,
  copy: PlannedImage,
  store: ArtifactStore,
  prefix: string,
): Promise<UnindexedEntry> {
  const bytes = await augmentImage(original, copy.augmentation!.op);
  const key = `${prefix}/${copy.wnid}/${copy.id}.jpg`;
  await store.put(key, bytes);
  return {
    id: copy.id,
    uri: `${store.uri.replace(/\/$/, '')}/${key}`,
    wnid: copy.wnid,
    role: copy.role,
    split: copy.split,
    sha256: sha256Hex(bytes),
    dhash: hashToHex(await dHash(bytes)),
    pairId: copy.pairId,
    augmentation: copy.augmentation,
  };
}
