import type * as z from 'zod';

type Schema = z.core.$ZodType;

/** Wrappers whose inner schema describes the same value. */
function unwrap(schema: Schema): Schema {
  const def = schema._zod.def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
      return unwrap((def as z.core.$ZodDefaultDef).innerType);
    case 'pipe':
      return unwrap((def as z.core.$ZodPipeDef).in);
    default:
      return schema;
  }
}

/**
 * The object schemas that `value` may be checked against (several for a union). A discriminated
 * union gives only the branch that the value's discriminator selects, when it selects one.
 */
function objectsOf(schema: Schema, value: unknown): z.core.$ZodObject[] {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  if (def.type === 'object') return [inner as z.core.$ZodObject];
  if (def.type !== 'union') return [];
  const options = (def as z.core.$ZodUnionDef).options;
  const discriminator = (def as z.core.$ZodDiscriminatedUnionDef).discriminator;
  const tag =
    discriminator !== undefined && typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)[discriminator]
      : undefined;
  const chosen = options.filter((option) =>
    unwrap(option)._zod.propValues?.[discriminator ?? '']?.has(tag as string),
  );
  return (chosen.length > 0 ? chosen : options).flatMap((option) => objectsOf(option, value));
}

/** The field names that `schema` accepts at `path` (for "did you mean" hints). */
export function knownKeysAt(
  schema: Schema,
  path: readonly PropertyKey[],
  input: unknown,
): string[] {
  let candidates: { schema: Schema; value: unknown }[] = [{ schema, value: input }];
  for (const segment of path) {
    candidates = candidates.flatMap(({ schema: candidate, value }) => {
      const child =
        typeof value === 'object' && value !== null
          ? (value as Record<PropertyKey, unknown>)[segment]
          : undefined;
      const inner = unwrap(candidate);
      if (inner._zod.def.type === 'array' && typeof segment === 'number') {
        return [{ schema: (inner._zod.def as z.core.$ZodArrayDef).element, value: child }];
      }
      return objectsOf(candidate, value).flatMap((object) => {
        const field = object._zod.def.shape[String(segment)];
        return field ? [{ schema: field, value: child }] : [];
      });
    });
  }
  const keys = candidates.flatMap(({ schema: candidate, value }) =>
    objectsOf(candidate, value).flatMap((object) => Object.keys(object._zod.def.shape)),
  );
  return [...new Set(keys)];
}
