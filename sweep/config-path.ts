import { configPathSchema, type ParamValue, type TrialParams } from './sweep-spec.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `config` with `value` at the dotted `path`. Copies only the objects along the path, so the base
 * config that every trial starts from is never changed; missing objects on the way are created.
 */
export function setConfigPath(
  config: Record<string, unknown>,
  path: string,
  value: ParamValue,
): Record<string, unknown> {
  if (!configPathSchema.safeParse(path).success) {
    throw new Error(`invalid config path "${path}": use dot-separated keys, e.g. "gan.lr"`);
  }
  const keys = path.split('.');
  const set = (node: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const key = keys[depth]!;
    if (depth === keys.length - 1) return { ...node, [key]: value };
    const child = Object.hasOwn(node, key) ? node[key] : undefined;
    if (child !== undefined && !isPlainObject(child)) {
      const crossed = keys.slice(0, depth + 1).join('.');
      throw new Error(`cannot set config path "${path}": "${crossed}" is not an object`);
    }
    return { ...node, [key]: set(child ?? {}, depth + 1) };
  };
  return set(config, 0);
}

/** The experiment config of one trial: the sweep's base with the trial's parameters set. */
export function applyTrialParams(
  base: Record<string, unknown>,
  params: TrialParams,
): Record<string, unknown> {
  return Object.entries(params).reduce(
    (config, [path, value]) => setConfigPath(config, path, value),
    base,
  );
}
