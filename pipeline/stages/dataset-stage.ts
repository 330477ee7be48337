import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../../config/experiment-schema.js';
import { buildDataset } from '../../dataset/build-dataset.js';
import { generateDemoWorld } from '../../dataset/demo-world.js';
import { manifestSchema, type Manifest as DatasetManifest } from '../../dataset/manifest.js';
import { DatasetTooSmallError } from '../../dataset/sample-split.js';
import { commitArtifact } from '../../store/artifact-commit.js';
import type { ArtifactStore } from '../../store/artifact-store.js';
import { canonicalJson, sha256Hex } from '../../store/content-address.js';
import { committedManifest, jsonPart, readJsonPart } from '../artifact-json.js';
import { runCachedStage } from '../cached-stage.js';
import { InputError } from '../input-error.js';
import type { StageContext } from '../stage-context.js';
import type { StageRef } from '../stage-ref.js';

export const DATASET_MANIFEST_PART = 'manifest.json';
export const DATASET_AUDIT_PART = 'audit.json';
/** The classes of the data set in label order: `{wnid, name}[]`. */
export const DATASET_CLASSES_PART = 'classes.json';

export interface DatasetClass {
  wnid: string;
  name: string;
}

type DataConfig = ExperimentConfig['data'];
type ImageData = Exclude<DataConfig, { kind: 'demo' }>;

/** The folder (local store) or s3:// prefix where `key` lives, readable by every worker. */
function locationOf(store: ArtifactStore, key: string): { kind: 'folder' | 's3'; root: string } {
  if (store.uri.startsWith('file://'))
    return { kind: 'folder', root: path.join(fileURLToPath(store.uri), key) };
  return { kind: 's3', root: `${store.uri.replace(/\/$/, '')}/${key}` };
}

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
): Promise<{ data: ImageData; classes: DatasetClass[] }> {
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

/** Stage 1 (SPEC §2.1): sample, pair and split the images; write the manifest and leak audit. */
export function runDatasetStage(
  ctx: StageContext,
  config: ExperimentConfig,
  force: boolean,
): Promise<StageRef> {
  const section = { data: config.data, split: config.split };
  return runCachedStage(
    ctx,
    { stage: 'dataset', config: section, inputs: [], force },
    async (prefix) => {
      if (config.data.kind !== 'demo' && config.data.adversarialFrom === 'filtration') {
        throw new InputError(
          'data.adversarialFrom: "filtration" (adversarial images chosen by the target model) is not built yet; give data.adversarialRoot',
        );
      }
      await checkLocalRoots(config.data);
      const demo =
        config.data.kind === 'demo' ? await publishDemoWorld(ctx, config.data) : undefined;
      let built;
      try {
        built = await buildDataset(
          {
            data: demo?.data ?? config.data,
            split: config.split,
            seed: config.seed,
            augmentedPrefix: `${prefix}/augmented`,
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
      const wnids = [...new Set(manifest.entries.map((e) => e.wnid))].sort();
      const classes =
        demo?.classes.filter((c) => wnids.includes(c.wnid)) ??
        wnids.map((wnid) => ({ wnid, name: wnid }));
      const committed = await commitArtifact(
        ctx.store,
        prefix,
        [
          jsonPart(DATASET_MANIFEST_PART, manifest),
          jsonPart(DATASET_AUDIT_PART, audit),
          jsonPart(DATASET_CLASSES_PART, classes),
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
        },
      );
      ctx.log(
        `dataset: ${manifest.summary.entries} images in ${classes.length} classes, ${manifest.summary.problems} problems`,
      );
      return committed;
    },
  );
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
