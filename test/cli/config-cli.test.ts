import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../../config-schema/load-config.js';
import { COMMANDS } from '../../cli/commands/index.js';
import { ROOT, runSfe, type SfeResult } from './run-sfe.js';

/** Runs the built `sfe` as a user would, from the repository root. */
function sfe(...args: string[]): Promise<SfeResult> {
  return runSfe(args);
}

describe('sfe config (the built CLI as a child process)', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfe-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validate: a good file prints "FILE: valid" and exits 0', async () => {
    const result = await sfe('config', 'validate', 'configs/demo.yaml');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'configs/demo.yaml: valid\n');
    assert.equal(result.stderr, '');
  });

  it('validate: a bad file prints each problem on stderr and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'data:\n  kind: demo\ntargetModel:\n  kind: small-cnn\ngann: {}\nseed: -3\n',
    );
    const result = await sfe('config', 'validate', file);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      `${file}: seed: expected a number >= 0, found -3\n` +
        `${file}: gann: unknown field "gann" (did you mean "gan"?)\n`,
    );
  });

  it('validate: a missing file exits 1 and says so', async () => {
    const result = await sfe('config', 'validate', 'configs/no-such-file.yaml');
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'configs/no-such-file.yaml: file not found\n');
  });

  it('show: prints the resolved YAML with the defaults and the config hash', async () => {
    const result = await sfe('config', 'show', 'configs/demo.yaml');
    assert.equal(result.code, 0, result.stderr);
    const expected = await loadConfig(join(ROOT, 'configs/demo.yaml'));
    assert.deepEqual(YAML.parse(result.stdout), expected);
    assert.match(result.stdout, /^# configs\/demo\.yaml resolved; config hash [0-9a-f]{64}\n/);
    // Defaults the file leaves out are filled in.
    assert.match(result.stdout, /\n {2}hidden: \[256, 512, 1024\]\n/);
    assert.match(result.stdout, /\n {4}gpu: sfe-gpu\n/);
  });

  it('show --json: prints the resolved config as JSON', async () => {
    const result = await sfe('config', 'show', 'configs/real-mobilenet.yaml', '--json');
    assert.equal(result.code, 0, result.stderr);
    const expected = await loadConfig(join(ROOT, 'configs/real-mobilenet.yaml'));
    assert.deepEqual(JSON.parse(result.stdout), expected);
  });

  it('--help lists the commands that exist and exits 0', async () => {
    const result = await sfe('--help');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /config validate FILE\.\.\./);
    assert.match(result.stdout, /config show FILE {2,}Print the resolved config/);
    assert.match(result.stdout, /run CONFIG {2,}Run an experiment/);
    // Exactly the registered commands (and help), one line each.
    const listed = result.stdout.split('Commands:\n')[1]!.split('\n\n')[0]!.split('\n');
    assert.equal(listed.length, COMMANDS.length + 1);
    for (const command of COMMANDS) {
      assert.ok(
        listed.some((line) => line.trimStart().startsWith(`${command.path.join(' ')} `)),
        command.path.join(' '),
      );
    }
  });

  it('help <command>, <group> --help and --version answer on stdout', async () => {
    const help = await sfe('help', 'config', 'show');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: sfe config show FILE \[--json\]\n/);
    const group = await sfe('config', '--help');
    assert.equal(group.code, 0);
    assert.match(group.stdout, /^Usage: sfe config <command>/);
    const version = await sfe('--version');
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  });

  it('an unknown command prints usage on stderr and exits 2', async () => {
    const result = await sfe('frobnicate');
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^sfe: unknown command "frobnicate"\n/);
    assert.match(result.stderr, /Usage: sfe <command>/);
  });

  it('a missing argument or an unknown option prints usage on stderr and exits 2', async () => {
    const missing = await sfe('config', 'show');
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      'sfe config show: missing argument FILE\nUsage: sfe config show FILE [--json]\n',
    );
    const option = await sfe('config', 'show', 'configs/demo.yaml', '--jsn');
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^sfe config show: Unknown option '--jsn'/);
    const bare = await sfe();
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /Usage: sfe <command>/);
  });
});
