import * as z from 'zod';

/** Field types shared by several config sections. Messages start with "expected" because
 * `config-error.ts` prints them as `path: <message>, found <value>`. */

/**
 * Reports a problem that zod's own checks cannot see (a cross-field rule). `found` is what the
 * error shows as found: zod would otherwise show the whole object being refined.
 */
export function addProblem(
  ctx: z.RefinementCtx,
  path: PropertyKey[],
  expected: string,
  found: unknown,
): void {
  ctx.addIssue({ code: 'custom', path, message: expected, params: { found } });
}

export const positiveInt = z.number().int().positive();
export const nonNegativeInt = z.number().int().nonnegative();
export const positiveNumber = z.number().positive();

/** Seeds feed 32-bit generators (ml/rng.ts), so larger values would silently wrap. */
export const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

/** A fraction strictly between 0 and 1, e.g. a split or validation share. */
export const openFraction = z.number().gt(0).lt(1);

/** A rate in [0, 1), e.g. a dropout rate (1 would drop everything). */
export const dropoutRate = z.number().min(0).lt(1);

export const probability = z.number().min(0).max(1);

/** Widths of a stack of dense layers, input side first. */
export const layerWidths = z.array(positiveInt).min(1);

export const nonEmptyString = z.string().min(1);

export const wnidSchema = z
  .string()
  .regex(/^n\d{8}$/, { error: 'expected a WordNet id such as "n01498041"' });

/** A Keras/tfjs layer or graph node name. */
export const layerName = z
  .string()
  .regex(/^[A-Za-z0-9_.:/-]+$/, { error: 'expected a layer name such as "avg_pool"' });

const URI_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

/** The scheme of `value` (`s3`, `file`, `https`…), or undefined for a plain path. */
export function uriScheme(value: string): string | undefined {
  return URI_SCHEME.exec(value)?.[1]?.toLowerCase();
}

/** Where the artifact store lives: `s3://bucket/prefix`, `file:///abs/path` or a plain path. */
export const storageUriSchema = nonEmptyString.superRefine((value, ctx) => {
  const scheme = uriScheme(value);
  const problem =
    scheme === undefined
      ? undefined
      : scheme === 's3'
        ? S3_URI.test(value)
          ? undefined
          : 'expected s3://BUCKET[/PREFIX] with a valid bucket name'
        : scheme === 'file'
          ? value.startsWith('file:///')
            ? undefined
            : 'expected file:///ABSOLUTE/PATH'
          : 'expected an s3:// or file:// URI or a plain path';
  if (problem) addProblem(ctx, [], problem, value);
});

/** Where a model or data set is read from: a path, or an s3:// / file:// / http(s):// URI. */
export const locationSchema = nonEmptyString.superRefine((value, ctx) => {
  const scheme = uriScheme(value);
  if (scheme !== undefined && !['s3', 'file', 'http', 'https'].includes(scheme)) {
    addProblem(ctx, [], 'expected a path or an s3://, file://, http:// or https:// URI', value);
  }
});
