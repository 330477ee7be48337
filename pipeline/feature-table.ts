import * as tf from '@tensorflow/tfjs';
import type { ManifestEntry } from '../dataset/manifest.js';
import { readFeatureShards } from '../ml/features/read-features.js';
import type { ArtifactStore } from '../store/artifact-store.js';
import type { StageRef } from './stage-ref.js';

/** Every extracted row of a features artifact, addressable by manifest entry id. */
export interface FeatureTable {
  featureDim: number;
  classes: number;
  rowOf: Map<string, number>;
  /** [rows, featureDim] row-major. */
  features: Float32Array;
  /** [rows, classes] row-major: the undefended head's output. */
  probabilities: Float32Array;
}

export async function readFeatureTable(
  store: ArtifactStore,
  features: StageRef,
): Promise<FeatureTable> {
  const shards = [];
  for await (const shard of readFeatureShards(store, features.key)) shards.push(shard);
  const featureDim = shards[0]?.featureDim ?? 0;
  const classes = shards[0]?.classes ?? 0;
  const rows = shards.reduce((n, s) => n + s.ids.length, 0);
  const table: FeatureTable = {
    featureDim,
    classes,
    rowOf: new Map(),
    features: new Float32Array(rows * featureDim),
    probabilities: new Float32Array(rows * classes),
  };
  let row = 0;
  for (const shard of shards) {
    table.features.set(shard.features, row * featureDim);
    table.probabilities.set(shard.probabilities, row * classes);
    for (const id of shard.ids) table.rowOf.set(id, row++);
  }
  return table;
}

/** The rows of `entries` that were extracted (unreadable images have none), in order. */
export function rowsOf(
  table: FeatureTable,
  entries: readonly ManifestEntry[],
): { entries: ManifestEntry[]; rows: number[] } {
  const kept: ManifestEntry[] = [];
  const rows: number[] = [];
  for (const entry of entries) {
    const row = table.rowOf.get(entry.id);
    if (row === undefined) continue;
    kept.push(entry);
    rows.push(row);
  }
  return { entries: kept, rows };
}

export function gatherFeatures(table: FeatureTable, rows: readonly number[]): tf.Tensor2D {
  const out = new Float32Array(rows.length * table.featureDim);
  rows.forEach((row, i) =>
    out.set(
      table.features.subarray(row * table.featureDim, (row + 1) * table.featureDim),
      i * table.featureDim,
    ),
  );
  return tf.tensor2d(out, [rows.length, table.featureDim]);
}

/** Benign/adversarial partners of one split whose images both have features, as row lists. */
export function pairedRows(
  table: FeatureTable,
  entries: readonly ManifestEntry[],
  split: ManifestEntry['split'],
): { benign: number[]; adversarial: number[] } {
  const partners = new Map<string, { benign?: number; adversarial?: number }>();
  for (const entry of entries) {
    if (entry.split !== split || entry.pairId === null) continue;
    if (entry.role !== 'benign' && entry.role !== 'adversarial') continue;
    const row = table.rowOf.get(entry.id);
    if (row === undefined) continue;
    const pair = partners.get(entry.pairId) ?? {};
    pair[entry.role] = row;
    partners.set(entry.pairId, pair);
  }
  const benign: number[] = [];
  const adversarial: number[] = [];
  for (const pair of partners.values()) {
    if (pair.benign === undefined || pair.adversarial === undefined) continue;
    benign.push(pair.benign);
    adversarial.push(pair.adversarial);
  }
  return { benign, adversarial };
}
