import { createHash } from 'node:crypto';

/**
 * Artifacts are addressed by what produced them: the same stage, config, inputs and code give
 * the same key, so a stage whose output exists can be skipped.
 */

export class CanonicalJsonError extends Error {
  constructor(path: string, problem: string) {
    super(`cannot hash ${path}: ${problem}`);
    this.name = 'CanonicalJsonError';
  }
}

/**
 * JSON with object keys sorted recursively and no whitespace, so equal values always give equal
 * text. Rejects what JSON.stringify would silently drop or change (undefined, functions,
 * NaN/Infinity, class instances such as Date or Map, cycles).
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, '$', new Set());
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface StageIdentity {
  /** A stage name such as 'features'; becomes a key segment. */
  stage: string;
  config: unknown;
  /**
   * Digests of the input artifacts: named (`{ features: '…' }`) or a plain list, which is sorted
   * because its order carries no meaning.
   */
  inputDigests: Readonly<Record<string, string>> | readonly string[];
  codeVersion: string;
}

/** The hex digest that identifies one stage run. */
export function stageDigest({ stage, config, inputDigests, codeVersion }: StageIdentity): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stage)) {
    throw new CanonicalJsonError(
      'stage',
      `${JSON.stringify(stage)} is not a stage name (letters, digits, '_', '.', '-')`,
    );
  }
  const inputs = Array.isArray(inputDigests) ? [...inputDigests].sort() : inputDigests;
  return sha256Hex(canonicalJson({ stage, config, inputs, codeVersion }));
}

/** `stages/<stage>/<sha256 of the stage's identity>`. */
export function stageKey(identity: StageIdentity): string {
  return `stages/${identity.stage}/${stageDigest(identity)}`;
}

function canonical(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not valid JSON`);
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return canonicalObject(value, path, ancestors);
    case 'undefined':
      throw new CanonicalJsonError(path, 'undefined is not valid JSON (leave the field out)');
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} is not valid JSON`);
  }
}

function canonicalObject(value: object, path: string, ancestors: Set<object>): string {
  if (ancestors.has(value)) throw new CanonicalJsonError(path, 'the value contains a cycle');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let index = 0; index < value.length; index++) {
        if (!(index in value))
          throw new CanonicalJsonError(`${path}[${index}]`, 'a sparse array hole');
        items.push(canonical(value[index], `${path}[${index}]`, ancestors));
      }
      return `[${items.join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new CanonicalJsonError(path, `a ${kind} is not a plain object; convert it first`);
    }
    const fields = Object.keys(value)
      .sort()
      .map((key) => {
        const child = canonical(
          (value as Record<string, unknown>)[key],
          `${path}.${key}`,
          ancestors,
        );
        return `${JSON.stringify(key)}:${child}`;
      });
    return `{${fields.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}
