import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { buildDataset, type ImageRoots } from '../../dataset/build-dataset.js';
import { generateDemoWorld } from '../../dataset/demo-world.js';
import { summarizeFiltration, type Filtration } from '../../dataset/filtration/filter-by-model.js';
import {
  manifestSchema,
  type Manifest as DatasetManifest,
  type Problem,
} from '../../dataset/manifest.js';
import { DatasetTooSmallError } from '../../dataset/sample-split.js';
import { datasetShortfalls } from '../../dataset/dataset-requirements.js';
import { commitArtifact } from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { canonicalJson, sha256Hex } from '../../store/content-address.js';
import { committedManifest, jsonPart, readJsonPart } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';
import { pinPretrainedModel } from '../pretrained-model.js';
import { locationOf } from '../store-location.js';
import { filterWithTargetModel } from './dataset-filtration.js';
import { attackWithTargetModel } from './dataset-attack.js';
import { summarizeAttack, type PhotoAttack } from '../../dataset/attack/attack-photos.js';
import { fingerprintRoots } from '../../dataset/input-fingerprint.js';
import { inputChange } from '../input-change.js';

export const DATASET_MANIFEST_PART = 'manifest.json';
export const DATASET_AUDIT_PART = 'audit.json';
/** The classes of the data set in label order: `{wnid, name}[]`. */
export const DATASET_CLASSES_PART = 'classes.json';
/** Adversarial filtration only: per-class views and misclassifications, and view lineage. */
export const DATASET_FILTRATION_PART = 'filtration.json';
/** `adversarialFrom: attack` only: the attack, per-class accuracy before and after, lineage. */
export const DATASET_ATTACK_PART = 'attack.json';

export interface DatasetClass {
  wnid: string;
  name: string;
}

type DataConfig = ExperimentConfig['data'];

async function uploadTree(store: ArtifactStore, folder: string, prefix: string): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const key = `${prefix}/${path.relative(folder, file).split(path.sep).join('/')}`;
    if (!(await store.exists(key))) await store.put(key, new Uint8Array(await readFile(file)));
  }
}

/**
 * The demo world is generated once per set of options and published in the store, so that
 * workers on other machines read the same images as real data from a folder or an s3 prefix.
 */
async function publishDemoWorld(
  ctx: StageContext,
  data: Extract<DataConfig, { kind: 'demo' }>,
): Promise<{ data: ImageRoots; classes: DatasetClass[] }> {
  const options = {
    seed: data.sampling.seed,
    classes: data.classes,
    imagesPerClass: data.sampling.imagesPerClass,
    imageSize: data.imageSize,
    cueAgreement: data.cueAgreement,
  };
  const key = `demo-worlds/${sha256Hex(canonicalJson(options)).slice(0, 16)}`;
  const scratch = await mkdtemp(path.join(tmpdir(), 'sfe-demo-world-'));
  try {
    const world = await generateDemoWorld(scratch, options);
    await uploadTree(ctx.store, scratch, key);
    const at = locationOf(ctx.store, key);
    return {
      data: {
        kind: at.kind,
        benignRoot: `${at.root}/${path.relative(scratch, world.benignRoot)}`,
        adversarialRoot: `${at.root}/${path.relative(scratch, world.adversarialRoot)}`,
        adversarialFrom: 'root',
        classes: world.classes.map((c) => c.wnid),
        sampling: { seed: data.sampling.seed, minImagesPerClass: 2 },
      },
      classes: world.classes.map((c) => ({ wnid: c.wnid, name: c.shape })),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A root that is not there fails the experiment at once, naming the config field. */
async function checkLocalRoots(data: DataConfig): Promise<void> {
  if (data.kind !== 'folder' && data.kind !== 'tar') return;
  for (const field of ['adversarialRoot', 'benignRoot', 'imagenetORoot'] as const) {
    const root = data[field];
    if (root === undefined) continue;
    const local = root.startsWith('file://') ? fileURLToPath(root) : root;
    const found = await stat(local).catch(() => undefined);
    const wanted = data.kind === 'folder' ? 'folder' : 'tar archive';
    if (!found || (data.kind === 'folder' ? !found.isDirectory() : !found.isFile())) {
      throw new InputError(`data.${field}: no ${wanted} at ${path.resolve(local)}`);
    }
  }
}

/** Where the images come from once the demo world is published or the photos are filtered. */
interface ResolvedData {
  data: ImageRoots;
  classes?: DatasetClass[];
  filtration?: Filtration;
  attack?: PhotoAttack;
  problems: Problem[];
}

async function resolveData(
  ctx: StageContext,
  config: ExperimentConfig,
  prefix: string,
): Promise<ResolvedData> {
  const { data } = config;
  if (data.kind === 'demo') return { ...(await publishDemoWorld(ctx, data)), problems: [] };
  await checkLocalRoots(data);
  if (data.adversarialFrom === 'filtration')
    return filterWithTargetModel(ctx, config, data, prefix);
  if (data.adversarialFrom === 'attack') return attackWithTargetModel(ctx, config, data, prefix);
  return { data, problems: [] };
}

/**
 * Stage 1 (SPEC §2.1): sample, pair and split the images; write the manifest and leak audit.
 * Under adversarial filtration or attack the pretrained target model makes the adversarial
 * images, so it is part of this stage's key, pinned by the digest of its model.json (the attack
 * parameters are in `data`).
 */
export async function runDatasetStage(
  ctx: StageContext,
  config: ExperimentConfig,
  force: boolean,
): Promise<StageRef> {
  const madeBy = config.data.kind === 'demo' ? 'root' : config.data.adversarialFrom;
  const section =
    madeBy !== 'root'
      ? {
          data: config.data,
          split: config.split,
          [madeBy === 'filtration' ? 'filteredBy' : 'attackedBy']: {
            model: config.targetModel,
            pinned: await pinPretrainedModel(config.targetModel),
            batchSize: config.featureExtraction.batchSize,
          },
        }
      : { data: config.data, split: config.split };
  // Files in a data folder can change under the same config: the key covers what is read.
  const fingerprint =
    config.data.kind === 'demo'
      ? undefined
      : await fingerprintRoots({
          adversarialRoot: config.data.adversarialRoot,
          benignRoot: config.data.benignRoot,
          imagenetORoot: config.data.imagenetORoot,
        });
  const change = fingerprint && (await inputChange(ctx.store, 'dataset', section, fingerprint));
  const ref = await runCachedStage(
    ctx,
    {
      stage: 'dataset',
      config: fingerprint ? { ...section, files: fingerprint } : section,
      inputs: [],
      force,
      ...(change?.reason === undefined ? {} : { recomputeReason: change.reason }),
    },
    async (prefix) => {
      const resolved = await resolveData(ctx, config, prefix);
      let built;
      try {
        built = await buildDataset(
          {
            data: resolved.data,
            split: config.split,
            seed: config.seed,
            augmentedPrefix: `${prefix}/augmented`,
            lineage: (resolved.filtration ?? resolved.attack)?.lineage ?? {},
            problems: resolved.problems,
          },
          {
            store: ctx.store,
            onProgress: (p) =>
              ctx.progress({ unit: `dataset ${p.stage}`, done: p.done, total: p.total }),
          },
        );
      } catch (err) {
        if (err instanceof DatasetTooSmallError) throw new InputError(err.message);
        throw err;
      }
      const { manifest, audit } = built;
      const shortfalls = datasetShortfalls(manifest);
      if (shortfalls.length > 0) {
        throw new InputError(`data: the data set is unusable: ${shortfalls.join('; ')}`);
      }
      const wnids = [...new Set(manifest.entries.map((e) => e.wnid))].sort();
      const classes =
        resolved.classes?.filter((c) => wnids.includes(c.wnid)) ??
        wnids.map((wnid) => ({ wnid, name: wnid }));
      const committed = await commitArtifact(
        ctx.store,
        prefix,
        [
          jsonPart(DATASET_MANIFEST_PART, manifest),
          jsonPart(DATASET_AUDIT_PART, audit),
          jsonPart(DATASET_CLASSES_PART, classes),
          ...(resolved.filtration ? [jsonPart(DATASET_FILTRATION_PART, resolved.filtration)] : []),
          ...(resolved.attack ? [jsonPart(DATASET_ATTACK_PART, resolved.attack)] : []),
        ],
        {
          protocol: manifest.protocol,
          entries: manifest.summary.entries,
          classes: classes.length,
          problems: manifest.summary.problems,
          perRoleSplit: manifest.summary.perRoleSplit,
          leakedTestFraction: audit.leakedTestFraction,
          exactDuplicateTestImages: audit.exact.testImages,
          nearDuplicateTestImages: audit.near.testImages,
          ...(resolved.filtration && {
            filtration: summarizeFiltration(resolved.filtration),
          }),
          ...(resolved.attack && { attack: summarizeAttack(resolved.attack) }),
        },
      );
      ctx.log(
        `dataset: ${manifest.summary.entries} images in ${classes.length} classes, ${manifest.summary.problems} problems`,
      );
      return committed;
    },
  );
  await change?.record();
  return ref;
}

export async function readDatasetManifest(
  store: ArtifactStore,
  ref: StageRef,
): Promise<DatasetManifest> {
  const manifest = await committedManifest(store, ref.key);
  return manifestSchema.parse(await readJsonPart(store, manifest, DATASET_MANIFEST_PART));
}

export async function readDatasetClasses(
  store: ArtifactStore,
  ref: StageRef,
): Promise<DatasetClass[]> {
  const manifest = await committedManifest(store, ref.key);
  return (await readJsonPart(store, manifest, DATASET_CLASSES_PART)) as DatasetClass[];
}
