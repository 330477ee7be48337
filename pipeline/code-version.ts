import { readFileSync } from 'node:fs';

/**
 * Part of every stage's cache key. The package version plus a revision of the stage code:
 * bump STAGE_CODE_REVISION whenever a stage would compute something different from the same
 * inputs, so that stale artifacts are not reused.
 */
const STAGE_CODE_REVISION = 5;

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const CODE_VERSION = `${pkg.version}+r${STAGE_CODE_REVISION}`;
