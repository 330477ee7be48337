import type { ArtifactStore } from '../../store/artifact-store.js';
import { readManifest, readPart, type Manifest } from '../../store/artifact-commit.js';
import { decodeSafetensors } from '../../store/safetensors.js';
import type { ImageFailure } from '../images/image-failure.js';
import { FAILURES_PART, isShardPart } from './feature-shards.js';

export interface FeatureShard {
  ids: string[];
  /** [n, d] row-major. */
  features: Float32Array;
  /** [n, C] row-major. */
  probabilities: Float32Array;
  /** Each row's position in the extraction's input manifest. */
  index: Int32Array;
  featureDim: number;
  classes: number;
}

async function committed(store: ArtifactStore, prefix: string): Promise<Manifest> {
  const manifest = await readManifest(store, prefix);
  if (!manifest) throw new Error(`no committed feature artifact at ${prefix} in ${store.uri}`);
  return manifest;
}

/** The shards of a feature artifact, in order, one in memory at a time. */
export async function* readFeatureShards(
  store: ArtifactStore,
  prefix: string,
): AsyncGenerator<FeatureShard> {
  const manifest = await committed(store, prefix);
  const names = manifest.parts
    .map((p) => p.name)
    .filter(isShardPart)
    .sort();
  for (const name of names) {
    const { tensors, metadata } = decodeSafetensors(await readPart(store, manifest, name));
    const { features, probabilities, index } = tensors;
    if (features?.dtype !== 'F32' || probabilities?.dtype !== 'F32' || index?.dtype !== 'I32') {
      throw new Error(`${name} of ${prefix} lacks features/probabilities (F32) or index (I32)`);
    }
    yield {
      ids: JSON.parse(metadata.ids ?? '[]') as string[],
      features: features.data,
      probabilities: probabilities.data,
      index: index.data,
      featureDim: features.shape[1]!,
      classes: probabilities.shape[1]!,
    };
  }
}

export async function readExtractionFailures(
  store: ArtifactStore,
  prefix: string,
): Promise<ImageFailure[]> {
  const manifest = await committed(store, prefix);
  const bytes = await readPart(store, manifest, FAILURES_PART);
  return JSON.parse(new TextDecoder().decode(bytes)) as ImageFailure[];
}
