import assert from 'node:assert/strict';
import { InvalidKeyError } from '../../store/artifact-store.js';
import { joinKey, validateKey, validatePrefix } from '../../store/keys.js';

describe('artifact keys', function () {
  it('accepts relative slash-separated keys', function () {
    for (const key of ['a', 'a/b/c.json', 'stages/features/0123abcd', '.hidden', 'a..b', 'x/...']) {
      assert.doesNotThrow(() => validateKey(key), key);
    }
  });

  const bad: [string, RegExp][] = [
    ['', /must not be empty/],
    ['../x', /must not contain a "\.\." segment/],
    ['a/../../x', /"\.\." segment/],
    ['a/./b', /must not contain a "\." segment/],
    ['.', /"\." segment/],
    ['/abs', /must be relative/],
    ['a//b', /empty segments/],
    ['a/', /empty segments/],
    ['a\\b', /backslash/],
    ['..\\x', /backslash/],
    ['a\0b', /NUL/],
    ['a/.sfe-tmp-x', /reserved for in-progress writes/],
  ];
  for (const [key, reason] of bad) {
    it(`rejects ${JSON.stringify(key)} with the reason`, function () {
      assert.throws(
        () => validateKey(key),
        (error: unknown) => {
          assert.ok(error instanceof InvalidKeyError);
          assert.equal(error.key, key);
          assert.match(error.message, reason);
          assert.ok(error.message.includes(JSON.stringify(key)), 'the message names the key');
          return true;
        },
      );
    });
  }

  it('accepts list prefixes that are empty, a key, or a key and a slash', function () {
    for (const prefix of ['', 'a', 'a/', 'a/b/', 'a/par']) {
      assert.doesNotThrow(() => validatePrefix(prefix), prefix);
    }
    for (const prefix of ['/', '//', '../', 'a//', '/a/', 'a/./']) {
      assert.throws(() => validatePrefix(prefix), InvalidKeyError, prefix);
    }
  });

  it('joins keys below a prefix', function () {
    assert.equal(joinKey('', 'k'), 'k');
    assert.equal(joinKey('p/q', 'k/l'), 'p/q/k/l');
  });
});
