import type * as z from 'zod';
import { knownKeysAt } from './schema-keys.js';

/** One thing wrong with a config: where (a field path, or a line in the file) and what. */
export interface ConfigProblem {
  /** `gan.hidden[1]`; empty for a problem with the file as a whole. */
  path: string;
  /** `expected a number, found "big"`, `unknown field …`, `line 3, column 1: …`. */
  message: string;
}

/** A config that cannot be used; the message lists every problem as `SOURCE: path: message`. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      problems
        .map((p) => `${source}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`)
        .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export function formatPath(path: Path): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

const MAX_FOUND = 60;

/** The found value as the user wrote it, shortened; `nothing` for a missing field. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  // What YAML gives for `key:` with no value, e.g. a section whose fields are all commented out.
  if (value === null) return 'null (an empty value)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_FOUND ? `${text.slice(0, MAX_FOUND - 1)}…` : text;
}

const TYPE_WORDS: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
};

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive ?? true;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `${small ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}`;
    case 'string':
      return small && limit === 1
        ? 'a non-empty string'
        : `${small ? 'at least' : 'at most'} ${limit} characters`;
    default:
      return `a number ${small ? '>' : '<'}${inclusive ? '=' : ''} ${limit}`;
  }
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** The "expected …" half of a problem. */
function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small':
    case 'too_big':
      return `expected ${bound(issue)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${quoteAll(issue.values)}`
        : `expected one of ${quoteAll(issue.values)}`;
    case 'invalid_union':
      return `expected ${unionExpectations(issue).join(' or ')}`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}`;
    default:
      return issue.message.startsWith('expected') ? issue.message : `expected: ${issue.message}`;
  }
}

function unionExpectations(issue: z.core.$ZodIssueInvalidUnion): string[] {
  return issue.errors.flatMap((branch) => branch.map((inner) => expectation(inner).slice(9)));
}

function found(issue: Issue, input: unknown): string {
  const params = issue.code === 'custom' ? issue.params : undefined;
  return describeFound(params && 'found' in params ? params['found'] : input);
}

/**
 * The problems behind one zod issue. A union whose input matched one branch's type reports that
 * branch's own problems (`data.classes[1]: expected a WordNet id`), which say more than "expected
 * A or B".
 */
function problemsOf(issue: Issue, schema: z.core.$ZodType, root: unknown): ConfigProblem[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, path, root);
    return issue.keys.map((key) => {
      const hint = closestKey(key, known);
      return {
        path: formatPath([...path, key]),
        message: `unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
      };
    });
  }
  if (issue.code === 'invalid_union') {
    if (issue.discriminator !== undefined) {
      const parent = valueAt(root, path.slice(0, -1));
      const isObject = typeof parent === 'object' && parent !== null && !Array.isArray(parent);
      return [
        {
          path: formatPath(path),
          message: `expected one of ${quoteAll('options' in issue ? (issue.options ?? []) : [])}, found ${describeFound(
            isObject ? (parent as Record<string, unknown>)[issue.discriminator] : undefined,
          )}`,
        },
      ];
    }
    const deeper = issue.errors.filter((branch) => branch.some((inner) => inner.path.length > 0));
    if (deeper.length === 1) {
      return deeper[0]!.flatMap((inner) =>
        problemsOf({ ...inner, path: [...path, ...inner.path] } as Issue, schema, root),
      );
    }
  }
  return [
    {
      path: formatPath(path),
      message: `${expectation(issue)}, found ${found(issue, valueAt(root, path))}`,
    },
  ];
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** Turns a failed parse of `input` by `schema` into a ConfigError naming every bad field. */
export function configErrorFromZod(
  source: string,
  error: z.ZodError,
  schema: z.core.$ZodType,
  input: unknown,
): ConfigError {
  return new ConfigError(
    source,
    error.issues.flatMap((issue) => problemsOf(issue, schema, input)),
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known key a typo most likely meant, if one is close enough to be a typo. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance =
      candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  const tolerance = Math.max(1, Math.floor(key.length / 3));
  return best !== undefined && best.distance <= tolerance ? best.key : undefined;
}
