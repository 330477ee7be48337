import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config-schema/config-error.js';
import { loadConfig, parseConfig } from '../../config-schema/load-config.js';

const realData = { kind: 'folder', adversarialRoot: 'a', benignRoot: 'b' };
const model = { uri: 'm/model.json' };

/** A valid real-data config with `patch` merged into it one level deep. */
function withPatch(patch: Record<string, unknown>): Record<string, unknown> {
  return { data: realData, targetModel: model, ...patch };
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('the config was accepted');
}

async function configErrorAsync(run: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('the config was accepted');
}

interface BadCase {
  what: string;
  config: unknown;
  /** The exact line the error must contain for the bad field. */
  line: string;
}

const CASES: BadCase[] = [
  {
    what: 'a string where a number belongs',
    config: withPatch({ gan: { lr: 'big' } }),
    line: 'bad.yaml: gan.lr: expected a number, found "big"',
  },
  {
    what: 'a fraction out of range',
    config: withPatch({ split: { trainFraction: 1.5 } }),
    line: 'bad.yaml: split.trainFraction: expected a number < 1, found 1.5',
  },
  {
    what: 'a misspelt top-level section',
    config: withPatch({ gann: { iterations: 10 } }),
    line: 'bad.yaml: gann: unknown field "gann" (did you mean "gan"?)',
  },
  {
    what: 'a misspelt nested field',
    config: withPatch({ advd: { patiense: 3 } }),
    line: 'bad.yaml: advd.patiense: unknown field "patiense" (did you mean "patience"?)',
  },
  {
    what: 'a value outside an enum',
    config: withPatch({ backend: 'gpu' }),
    line: 'bad.yaml: backend: expected one of "auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu", found "gpu"',
  },
  {
    what: 'negative iterations',
    config: withPatch({ gan: { iterations: -1 } }),
    line: 'bad.yaml: gan.iterations: expected a number >= 0, found -1',
  },
  {
    what: 'a fractional batch size',
    config: withPatch({ advd: { batchSize: 2.5 } }),
    line: 'bad.yaml: advd.batchSize: expected an integer, found 2.5',
  },
  {
    what: 'fewer dropout rates than layers',
    config: withPatch({ advd: { layers: [64, 32, 16], dropout: [0.5, 0.5] } }),
    line: 'bad.yaml: advd.dropout: expected 3 rates, one per entry of advd.layers, found [0.5,0.5]',
  },
  {
    what: 'a storage URI with an unsupported scheme',
    config: withPatch({ storage: { uri: 'gs://bucket/runs' } }),
    line: 'bad.yaml: storage.uri: expected an s3:// or file:// URI or a plain path, found "gs://bucket/runs"',
  },
  {
    what: 'an s3 URI with an invalid bucket name',
    config: withPatch({ storage: { uri: 's3://My_Bucket/runs' } }),
    line: 'bad.yaml: storage.uri: expected s3://BUCKET[/PREFIX] with a valid bucket name, found "s3://My_Bucket/runs"',
  },
  {
    what: 'an unknown data kind',
    config: withPatch({ data: { ...realData, kind: 'zip' } }),
    line: 'bad.yaml: data.kind: expected one of "folder", "tar", "s3", "demo", found "zip"',
  },
  {
    what: 'no data section',
    config: { targetModel: model },
    line: 'bad.yaml: data: expected a mapping of fields, found nothing',
  },
  {
    what: 'the paper protocol without augmentation',
    config: withPatch({ split: { protocol: 'paper', augmentation: { enabled: false } } }),
    line: 'bad.yaml: split.augmentation.enabled: expected true (the paper protocol augments before splitting), found false',
  },
  {
    what: 'a class that is not a wnid',
    config: withPatch({ data: { ...realData, classes: ['n01498041', 'stingray'] } }),
    line: 'bad.yaml: data.classes[1]: expected a WordNet id such as "n01498041", found "stingray"',
  },
  {
    what: 'a pretrained model on demo data',
    config: { data: { kind: 'demo' }, targetModel: model },
    line: 'bad.yaml: targetModel.kind: expected "small-cnn" with demo data (a pretrained model knows no demo classes), found "inceptionv3"',
  },
  {
    what: 'a pretrained model without its location',
    config: { data: realData },
    line: "bad.yaml: targetModel.uri: expected the location of the model's model.json (required for kind inceptionv3), found nothing",
  },
  {
    what: 'ImageNet-O evaluation without ImageNet-O data',
    config: withPatch({ evaluation: { imagenetO: { enabled: true } } }),
    line: 'bad.yaml: evaluation.imagenetO.enabled: expected false unless data.imagenetORoot is set, found true',
  },
  {
    what: 'a tar data set whose root is a folder',
    config: withPatch({ data: { ...realData, kind: 'tar' } }),
    line: 'bad.yaml: data.adversarialRoot: expected a local .tar, .tar.gz or .tgz archive (data.kind is tar), found "a"',
  },
  {
    what: 'a folder data set whose root is a web address',
    config: withPatch({ data: { ...realData, benignRoot: 'https://example.com/val' } }),
    line: 'bad.yaml: data.benignRoot: expected a local folder (data.kind is folder; use kind s3 for s3:// roots), found "https://example.com/val"',
  },
  {
    what: 'an empty section (YAML null)',
    config: withPatch({ gan: null }),
    line: 'bad.yaml: gan: expected a mapping of fields, found null (an empty value)',
  },
  {
    what: 'a Temporal address without a port',
    config: withPatch({ temporal: { address: 'localhost' } }),
    line: 'bad.yaml: temporal.address: expected HOST:PORT, found "localhost"',
  },
  {
    what: 'a config that is not a mapping',
    config: [1, 2],
    line: 'bad.yaml: expected a mapping of fields, found [1,2]',
  },
];

describe('config errors name the field, what was expected and what was found', () => {
  for (const { what, config, line } of CASES) {
    it(what, () => {
      const error = configError(() => parseConfig(config, 'bad.yaml'));
      assert.ok(
        error.message.split('\n').includes(line),
        `missing line:\n  ${line}\nin:\n  ${error.message.replaceAll('\n', '\n  ')}`,
      );
    });
  }

  it('lists every problem of a config at once, one line each', () => {
    const error = configError(() =>
      parseConfig(withPatch({ gan: { lr: -1, batchSize: 0 }, backend: 'tpu', sed: 1 }), 'x.yaml'),
    );
    assert.deepEqual(
      error.problems.map((p) => p.path),
      ['gan.lr', 'gan.batchSize', 'backend', 'sed'],
    );
    assert.equal(error.message.split('\n').length, 4);
    assert.ok(error.message.split('\n').every((l) => l.startsWith('x.yaml: ')));
  });

  it('truncates a long found value', () => {
    const long = 'x'.repeat(500);
    const error = configError(() => parseConfig(withPatch({ name: long }), 'x.yaml'));
    const line = error.message.split('\n').find((l) => l.startsWith('x.yaml: name: '));
    assert.ok(line !== undefined && line.length < 200 && line.endsWith('…'), line);
  });
});

describe('config file errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfe-config-errors-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fileError(name: string, text: string): Promise<ConfigError> {
    const file = join(dir, name);
    await writeFile(file, text);
    return configErrorAsync(() => loadConfig(file));
  }

  it('a YAML syntax error gives its line and column', async () => {
    const error = await fileError('syntax.yaml', 'data:\n  kind: demo\n gan: [1, 2\n');
    assert.match(error.message, /syntax\.yaml: line 3, column \d+: invalid YAML: /);
  });

  it('a duplicated YAML key is an error, not a silent overwrite', async () => {
    const error = await fileError('dup.yaml', 'seed: 1\nseed: 2\n');
    assert.match(
      error.message,
      /dup\.yaml: line 2, column 1: invalid YAML: Map keys must be unique/,
    );
  });

  it('a JSON syntax error gives its line and column', async () => {
    const error = await fileError('bad.json', '{\n  "seed": 1\n  "data": {}\n}\n');
    assert.match(error.message, /bad\.json: line 3, column 3: invalid JSON: /);
  });

  it('a missing file says so', async () => {
    const file = join(dir, 'absent.yaml');
    const error = await configErrorAsync(() => loadConfig(file));
    assert.equal(error.message, `${file}: file not found`);
  });

  it('an empty file says so', async () => {
    const error = await fileError('empty.yaml', '# nothing but a comment\n');
    assert.match(error.message, /empty\.yaml: the file holds no config/);
  });

  it('an unknown file extension names the expected ones', async () => {
    const error = await fileError('config.toml', 'seed = 1\n');
    assert.match(
      error.message,
      /config\.toml: expected a \.yaml, \.yml or \.json file, found "\.toml"/,
    );
  });

  it('a field error in a file names the file and the field', async () => {
    const error = await fileError(
      'field.yml',
      'data:\n  kind: demo\ntargetModel:\n  kind: small-cnn\ngan:\n  iterations: many\n',
    );
    assert.equal(
      error.message,
      `${join(dir, 'field.yml')}: gan.iterations: expected a number, found "many"`,
    );
  });
});
