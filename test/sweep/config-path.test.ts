import assert from 'node:assert/strict';
import { applyTrialParams, setConfigPath } from '../../sweep/config-path.js';

describe('config paths', () => {
  const base = { seed: 1, gan: { lr: 0.001, iterations: 100 }, advd: { epochs: 3 } };
  const frozen = structuredClone(base);

  it('sets a nested value in a new object, copying only along the path', () => {
    const config = setConfigPath(base, 'gan.lr', 0.01);
    assert.deepEqual(config, { seed: 1, gan: { lr: 0.01, iterations: 100 }, advd: { epochs: 3 } });
    assert.deepEqual(base, frozen);
    assert.notEqual(config, base);
    assert.notEqual(config['gan'], base.gan);
    assert.equal(config['advd'], base.advd, 'untouched branches are shared, not copied');
  });

  it('creates missing intermediate objects', () => {
    const config = setConfigPath(base, 'evaluation.attack.steps', 7);
    assert.deepEqual(config['evaluation'], { attack: { steps: 7 } });
    assert.deepEqual(base, frozen);
  });

  it('sets a top-level value', () => {
    assert.deepEqual(setConfigPath(base, 'seed', 9), { ...base, seed: 9 });
  });

  it('throws naming the path when it crosses a non-object', () => {
    assert.throws(
      () => setConfigPath(base, 'seed.value', 1),
      /"seed\.value".*"seed" is not an object/,
    );
    assert.throws(
      () => setConfigPath({ gan: { layers: [1, 2] } }, 'gan.layers.first', 1),
      /"gan\.layers" is not an object/,
    );
    assert.throws(() => setConfigPath({ gan: null }, 'gan.lr', 1), /"gan" is not an object/);
  });

  it('refuses a malformed path', () => {
    assert.throws(() => setConfigPath(base, 'gan..lr', 1), /invalid config path "gan\.\.lr"/);
    assert.throws(() => setConfigPath(base, '__proto__.polluted', 1), /invalid config path/);
  });

  it('applies every trial parameter to the base without changing it', () => {
    const config = applyTrialParams(base, {
      'gan.lr': 0.02,
      'gan.discriminator': 'shared',
      'advd.augment': true,
    });
    assert.deepEqual(config, {
      seed: 1,
      gan: { lr: 0.02, iterations: 100, discriminator: 'shared' },
      advd: { epochs: 3, augment: true },
    });
    assert.deepEqual(base, frozen);
  });
});
