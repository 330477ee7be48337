import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CanonicalJsonError,
  canonicalJson,
  sha256Hex,
  stageDigest,
  stageKey,
  type StageIdentity,
} from '../../store/content-address.js';

const base: StageIdentity = {
  stage: 'features',
  config: { model: 'inceptionv3', layer: 'avg_pool', batch: 32, augment: { flips: true } },
  inputDigests: { dataset: 'a'.repeat(64), weights: 'b'.repeat(64) },
  codeVersion: 'v1.2.3',
};

describe('content addressing', function () {
  describe('canonicalJson', function () {
    it('sorts keys recursively, keeps array order and drops whitespace', function () {
      const text = canonicalJson({ b: [3, { z: 1, a: null }], a: { d: 'x', c: true } });
      assert.equal(text, '{"a":{"c":true,"d":"x"},"b":[3,{"a":null,"z":1}]}');
      assert.deepEqual(JSON.parse(text), { a: { c: true, d: 'x' }, b: [3, { a: null, z: 1 }] });
    });

    it('gives the same text whatever the key insertion order', function () {
      const one = { x: 1, y: { p: [1, 2], q: 'q' } };
      const other = { y: { q: 'q', p: [1, 2] }, x: 1 };
      assert.equal(canonicalJson(one), canonicalJson(other));
      assert.notEqual(JSON.stringify(one), JSON.stringify(other));
    });

    const bad: [string, unknown, RegExp][] = [
      ['NaN', { lr: Number.NaN }, /\$\.lr: NaN is not valid JSON/],
      ['Infinity', { a: [1, -Infinity] }, /\$\.a\[1\]: -Infinity is not valid JSON/],
      ['undefined', { gan: { beta: undefined } }, /\$\.gan\.beta: undefined is not valid JSON/],
      ['a function', { f: () => 1 }, /\$\.f: a function is not valid JSON/],
      ['a bigint', { n: 1n }, /\$\.n: a bigint is not valid JSON/],
      ['a symbol', [Symbol('s')], /\$\[0\]: a symbol is not valid JSON/],
      ['a Date', { at: new Date(0) }, /\$\.at: a Date is not a plain object/],
      ['a Map', { m: new Map() }, /\$\.m: a Map is not a plain object/],
      [
        'a sparse array',
        { s: new Array<number>(3).fill(1, 0, 1) },
        /\$\.s\[1\]: a sparse array hole/,
      ],
    ];
    for (const [what, value, message] of bad) {
      it(`rejects ${what}, naming where it is`, function () {
        assert.throws(
          () => canonicalJson(value),
          (error: unknown) => {
            assert.ok(error instanceof CanonicalJsonError);
            assert.match(error.message, message);
            return true;
          },
        );
      });
    }

    it('rejects cycles but accepts a shared, acyclic subobject', function () {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      assert.throws(() => canonicalJson(cyclic), /\$\.self: the value contains a cycle/);
      const shared = { k: 1 };
      assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"k":1},"b":{"k":1}}');
    });
  });

  describe('sha256Hex', function () {
    it('hashes strings as UTF-8 and bytes as they are', function () {
      const text = 'naïve ✓';
      const expected = createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
      assert.equal(sha256Hex(text), expected);
      assert.equal(sha256Hex(new TextEncoder().encode(text)), expected);
      assert.match(sha256Hex(new Uint8Array(0)), /^[0-9a-f]{64}$/);
    });
  });

  describe('stageKey', function () {
    it('is stages/<stage>/<sha256 of the canonical identity>', function () {
      const key = stageKey(base);
      assert.match(key, /^stages\/features\/[0-9a-f]{64}$/);
      const { stage, config, inputDigests, codeVersion } = base;
      const identity = canonicalJson({ stage, config, inputs: inputDigests, codeVersion });
      assert.equal(key, `stages/features/${sha256Hex(identity)}`);
      assert.equal(stageDigest(base), key.split('/')[2]);
    });

    it('does not depend on key order in the config or the inputs', function () {
      const reordered: StageIdentity = {
        codeVersion: 'v1.2.3',
        inputDigests: { weights: 'b'.repeat(64), dataset: 'a'.repeat(64) },
        config: { augment: { flips: true }, batch: 32, layer: 'avg_pool', model: 'inceptionv3' },
        stage: 'features',
      };
      assert.equal(stageKey(reordered), stageKey(base));
    });

    it('does not depend on the order of an input digest list', function () {
      const list = { ...base, inputDigests: ['c'.repeat(64), 'a'.repeat(64), 'b'.repeat(64)] };
      const shuffled = { ...base, inputDigests: ['b'.repeat(64), 'c'.repeat(64), 'a'.repeat(64)] };
      assert.equal(stageKey(list), stageKey(shuffled));
    });

    it('changes with the config, any input, the code version and the stage', function () {
      const variants: StageIdentity[] = [
        { ...base, config: { ...(base.config as object), batch: 64 } },
        { ...base, config: { ...(base.config as object), augment: { flips: false } } },
        { ...base, inputDigests: { dataset: 'a'.repeat(64), weights: 'c'.repeat(64) } },
        { ...base, inputDigests: { dataset: 'b'.repeat(64), weights: 'a'.repeat(64) } },
        { ...base, inputDigests: { dataset: 'a'.repeat(64) } },
        { ...base, codeVersion: 'v1.2.4' },
        { ...base, stage: 'sfe' },
      ];
      const keys = new Set([base, ...variants].map((identity) => stageDigest(identity)));
      assert.equal(keys.size, variants.length + 1);
    });

    it('rejects an unhashable config and a stage name that is no key segment', function () {
      assert.throws(() => stageKey({ ...base, config: { lr: Number.NaN } }), /\$\.config\.lr: NaN/);
      assert.throws(() => stageKey({ ...base, stage: 'a/b' }), /"a\/b" is not a stage name/);
      assert.throws(() => stageKey({ ...base, stage: '..' }), /is not a stage name/);
    });
  });
});
