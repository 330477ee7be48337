/**
 * Layout of a feature artifact: parts `shards/<k>.safetensors`, each holding the images of one
 * run of `shardSize` manifest items that decoded, with tensors
 *   features      F32 [n, d]   the feature layer's output
 *   probabilities F32 [n, C]   the undefended head's output
 *   index         I32 [n]      each row's position in the input manifest
 * and the row ids as JSON in the safetensors metadata field `ids`; plus `failures.json`.
 */
export const FAILURES_PART = 'failures.json';

export function shardPartName(shard: number): string {
  return `shards/${String(shard).padStart(5, '0')}.safetensors`;
}

export function isShardPart(name: string): boolean {
  return /^shards\/\d+\.safetensors$/.test(name);
}
