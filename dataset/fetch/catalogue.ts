/** A tarball served as one file: downloaded, checked, kept as is (the tar source reads it). */
export interface ArchiveEntry {
  kind: 'archive';
  name: string;
  description: string;
  url: string;
  fileName: string;
  /** Bytes; null where nobody has pinned it yet. */
  size: number | null;
  /** Lower-case hex; null means not pinned: the computed digest is printed, unverified. */
  sha256: string | null;
  /** The folder the archive extracts to. */
  folder: string;
  /** Where a config points at the data (SPEC §2.1). */
  configField: 'adversarialRoot' | 'imagenetORoot';
}

/** A converted tfjs model: model.json and the weight shards it lists, fetched into `folder`. */
export interface ModelEntry {
  kind: 'tfjs-model';
  name: string;
  description: string;
  folder: string;
}

export type CatalogueEntry = ArchiveEntry | ModelEntry;

/**
 * The data sets `sfe data fetch` knows. The checksums and sizes were not pinned when this list was
 * written (no access to the hosts); pin them from a trusted download rather than from whatever a
 * first fetch happens to compute.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    kind: 'archive',
    name: 'imagenet-a',
    description: 'ImageNet-A: 7,500 natural adversarial images of 200 ImageNet classes',
    url: 'https://people.eecs.berkeley.edu/~hendrycks/imagenet-a.tar',
    fileName: 'imagenet-a.tar',
    size: null,
    sha256: null,
    folder: 'imagenet-a',
    configField: 'adversarialRoot',
  },
  {
    kind: 'archive',
    name: 'imagenet-o',
    description: 'ImageNet-O: 2,000 out-of-distribution images that fool ImageNet models',
    url: 'https://people.eecs.berkeley.edu/~hendrycks/imagenet-o.tar',
    fileName: 'imagenet-o.tar',
    size: null,
    sha256: null,
    folder: 'imagenet-o',
    configField: 'imagenetORoot',
  },
  {
    kind: 'tfjs-model',
    name: 'inceptionv3',
    description: 'InceptionV3 converted to tfjs (no official URL: give --url)',
    folder: 'inceptionv3',
  },
];

export function catalogueEntry(name: string): CatalogueEntry | undefined {
  return CATALOGUE.find((entry) => entry.name === name);
}
