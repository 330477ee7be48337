import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../config-schema/load-config.js';
import { CODE_VERSION } from '../../pipeline/code-version.js';
import type { StageContext } from '../../pipeline/stage-context.js';
import { loadTargetModel, runTargetModelStage } from '../../pipeline/stages/target-model-stage.js';
import type { StageRef } from '../../pipeline/stage-ref.js';
import { LocalStore } from '../../store/local-store.js';
import { COLOUR_FEATURE_LAYER, writeColourClassifier } from '../fixtures/colour-classifier.js';

/** The target-model stage pins every file of a pretrained model, weight shards included. */
describe('pinned pretrained target model (local store)', function () {
  this.timeout(120_000);
  let dir: string;
  let ref: StageRef;
  let ctx: StageContext;
  let modelJson: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sfe-pinned-'));
    modelJson = await writeColourClassifier(path.join(dir, 'model'));
    ctx = {
      store: new LocalStore(path.join(dir, 'store')),
      codeVersion: CODE_VERSION,
      progress: () => undefined,
      signal: new AbortController().signal,
      log: () => undefined,
    };
    const config = parseConfig(
      {
        data: { kind: 'folder', benignRoot: dir, adversarialRoot: dir },
        targetModel: {
          kind: 'layers',
          uri: modelJson,
          inputSize: 32,
          featureLayer: COLOUR_FEATURE_LAYER,
        },
      },
      'test config',
    );
    const dataset = { stage: 'dataset', key: 'unused', digest: '0'.repeat(64) } as const;
    ref = await runTargetModelStage(
      ctx,
      config,
      { ...dataset, cached: false, seconds: 0, summary: {} },
      false,
    );
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the model it pinned', async () => {
    const { model } = await loadTargetModel(ctx.store, ref);
    assert.equal(model.outputs[0]!.shape[1], 1000);
    model.dispose();
  });

  it('refuses a weight shard replaced by random bytes of the same size', async () => {
    const folder = path.dirname(modelJson);
    const manifest = JSON.parse(await readFile(modelJson, 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    const shard = manifest.weightsManifest[0]!.paths[0]!;
    const size = (await readFile(path.join(folder, shard))).byteLength;
    await writeFile(path.join(folder, shard), randomBytes(size));
    await assert.rejects(loadTargetModel(ctx.store, ref), (err: Error) => {
      assert.equal(err.name, 'InputError');
      assert.match(
        err.message,
        new RegExp(
          `targetModel\\.uri: cannot load model .*: file ${shard} changed since it was pinned \\(sha256 [0-9a-f]{64}, pinned [0-9a-f]{64}\\); if the model was replaced on purpose, rerun with --force targetModel`,
        ),
      );
      if (process.env.SFE_TEST_PRINT_MESSAGES) console.log(err.message);
      return true;
    });
  });
});
