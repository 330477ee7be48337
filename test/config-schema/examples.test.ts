import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { loadSweep } from '../../client/sweeps.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig } from '../../config-schema/load-config.js';

/** `configs/` at the repository root, seen from `dist/test/config/`. */
const CONFIGS = fileURLToPath(new URL('../../../configs/', import.meta.url));

describe('example configs', () => {
  it('the folder holds the three documented examples', async () => {
    const files = await readdir(CONFIGS);
    for (const name of ['demo.yaml', 'imagenet-a-inceptionv3.yaml', 'real-mobilenet.yaml']) {
      assert.ok(files.includes(name), `configs/${name} is missing`);
    }
  });

  it('every file validates, and its resolved form validates to itself', async () => {
    const files = (await readdir(CONFIGS, { withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
    assert.ok(files.length > 0);
    for (const name of files) {
      const config = await loadConfig(join(CONFIGS, name));
      assert.deepEqual(parseConfig(JSON.parse(JSON.stringify(config)), name), config, name);
    }
  });

  it('every sweep spec in configs/sweeps loads, with a valid base config', async () => {
    const folder = join(CONFIGS, 'sweeps');
    const files = await readdir(folder);
    assert.ok(files.length > 0);
    for (const name of files) {
      const sweep = await loadSweep(join(folder, name));
      assert.ok(sweep.spec.trials > 0, name);
    }
  });

  it('real-mobilenet reads its model from ../shared/real with its real pooling layer', async () => {
    const config = await loadConfig(join(CONFIGS, 'real-mobilenet.yaml'));
    assert.equal(config.targetModel.uri, '../shared/real/models/mobilenet_v1_0.75_224/model.json');
    assert.equal(config.targetModel.inputSize, 224);
    assert.equal(config.targetModel.featureLayer, 'global_average_pooling2d_1');
  });
});
