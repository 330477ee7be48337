import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import YAML from 'yaml';
import { canonicalJson, sha256Hex } from '../store/content-address.js';
import { ConfigError, configErrorFromZod } from './config-error.js';
import { experimentSchema, type ExperimentConfig } from './experiment-schema.js';

/** Validates a config value (already parsed from YAML/JSON); `source` names it in errors. */
export function parseConfig(value: unknown, source: string): ExperimentConfig {
  const result = experimentSchema.safeParse(value);
  if (!result.success) throw configErrorFromZod(source, result.error, experimentSchema, value);
  return result.data;
}

function parseYaml(text: string, source: string): unknown {
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `line ${position.line}, column ${position.col}: ` : '';
        // The yaml package appends " at line L, column C:" and a source excerpt; we say where
        // ourselves, so keep only the first sentence.
        const reason = error.message.split(' at line ')[0];
        return { path: '', message: `${where}invalid YAML: ${reason}` };
      }),
    );
  }
  return document.toJS();
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const offset = /at position (\d+)/.exec(message)?.[1];
    const where = offset === undefined ? '' : `${lineAndColumn(text, Number(offset))}: `;
    throw new ConfigError(source, [{ path: '', message: `${where}invalid JSON: ${message}` }]);
  }
}

/** Parses config text by format; the value still needs `parseConfig`. */
export function parseConfigText(text: string, format: 'yaml' | 'json', source: string): unknown {
  const value = format === 'json' ? parseJson(text, source) : parseYaml(text, source);
  if (value === null || value === undefined) {
    throw new ConfigError(source, [
      { path: '', message: 'the file holds no config (it is empty)' },
    ]);
  }
  return value;
}

function formatOf(file: string): 'yaml' | 'json' {
  const extension = extname(file).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.json') return 'json';
  throw new ConfigError(file, [
    {
      path: '',
      message: `expected a .yaml, .yml or .json file, found ${extension ? `"${extension}"` : 'no extension'}`,
    },
  ]);
}

/** Reads and validates a YAML (.yaml/.yml) or JSON (.json) config file. */
export async function loadConfig(file: string): Promise<ExperimentConfig> {
  const format = formatOf(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot read: ${(error as Error).message}`;
    throw new ConfigError(file, [{ path: '', message: reason }]);
  }
  return parseConfig(parseConfigText(text, format, file), file);
}

/** sha256 (hex) of the canonical JSON of a resolved config: equal configs, equal hashes. */
export function configHash(config: ExperimentConfig): string {
  return sha256Hex(canonicalJson(config));
}
