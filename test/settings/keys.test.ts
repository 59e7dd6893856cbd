import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChaosError } from '../../src/errors.ts';
import { formatKey, getKey, parseKey, removeKey, setKey } from '../../src/settings/keys.ts';

const sample = () => ({
  auths: { 'example.com': { type: 'bearer', value: 'XYZ' }, 'example.com:8443': { type: 'basic', value: 'abc' } },
  notifications: [{ type: 'http', url: 'https://x/y', events: ['run-failed'] }, { type: 'plugin', module: 'pkg.mod' }],
  runtime: { rollbacks: { strategy: 'default' } },
  matrix: [
    [1, 2],
    [3, 4],
  ],
});

describe('parseKey', () => {
  it('splits on dots', () => assert.deepEqual(parseKey('runtime.rollbacks.strategy'), ['runtime', 'rollbacks', 'strategy']));
  it('keeps escaped dots in one part and drops the backslash', () => {
    assert.deepEqual(parseKey('auths.example\\.com.value'), ['auths', 'example.com', 'value']);
    assert.deepEqual(parseKey('auths.example\\.com:8443'), ['auths', 'example.com:8443']);
  });
  it('drops every backslash, as the reference does', () => assert.deepEqual(parseKey('a\\b.c'), ['ab', 'c']));
  it('reads a trailing index', () => {
    assert.deepEqual(parseKey('notifications[0].url'), ['notifications', 0, 'url']);
    assert.deepEqual(parseKey('notifications[12]'), ['notifications', 12]);
  });
  it('chains indexes', () => assert.deepEqual(parseKey('matrix[1][0]'), ['matrix', 1, 0]));
  it('treats a bracket that is not a trailing index as part of the name', () => {
    assert.deepEqual(parseKey('a[0]b'), ['a[0]b']);
    assert.deepEqual(parseKey('a[-1]'), ['a[-1]']);
    assert.deepEqual(parseKey('a[x]'), ['a[x]']);
  });
  it('rejects an empty index (the reference crashes on it)', () => {
    assert.throws(() => parseKey('notifications[]'), (e) => e instanceof ChaosError && /empty index/.test(e.message));
  });
  it('keeps empty parts, which then match nothing', () => assert.deepEqual(parseKey('a..b'), ['a', '', 'b']));
  it('formats back to the same syntax', () => {
    for (const k of ['auths.example\\.com.value', 'notifications[0].url', 'matrix[1][0]', 'runtime']) {
      assert.equal(formatKey(parseKey(k)), k);
    }
  });
});

describe('getKey', () => {
  const s = sample();
  it('finds nested values', () => {
    assert.equal(getKey(s, 'runtime.rollbacks.strategy'), 'default');
    assert.equal(getKey(s, 'auths.example\\.com.value'), 'XYZ');
    assert.equal(getKey(s, 'auths.example\\.com:8443.type'), 'basic');
    assert.equal(getKey(s, 'notifications[0].events[0]'), 'run-failed');
    assert.equal(getKey(s, 'matrix[1][0]'), 3);
    assert.deepEqual(getKey(s, 'notifications[1]'), { type: 'plugin', module: 'pkg.mod' });
  });
  it('returns undefined for anything missing', () => {
    for (const k of [
      'nope',
      'auths.nope',
      'auths.example.com', // unescaped dot: three parts
      'notifications[2]',
      'notifications[x]',
      'auths[0]', // index into a mapping
      'notifications.type', // key into a list
      'runtime.rollbacks.strategy.d', // key into a string (the reference crashes)
      'runtime.rollbacks.strategy[0]',
      'toString', // inherited properties are not settings
      '',
    ]) {
      assert.equal(getKey(s, k), undefined, k);
    }
  });
  it('distinguishes null from missing', () => assert.equal(getKey({ a: null }, 'a'), null));
});

describe('setKey', () => {
  it('replaces an existing value', () => {
    const s = sample();
    setKey(s, 'auths.example\\.com.value', 'new');
    assert.equal(s.auths['example.com'].value, 'new');
    setKey(s, 'notifications[1]', 3);
    assert.equal(s.notifications[1], 3);
  });
  it('creates intermediate mappings', () => {
    const s = sample();
    setKey(s, 'runtime.hypothesis.strategy', 'continuously');
    assert.deepEqual(s.runtime, { rollbacks: { strategy: 'default' }, hypothesis: { strategy: 'continuously' } });
    const empty: Record<string, unknown> = {};
    setKey(empty, 'auths.new\\.host.value', 't');
    assert.deepEqual(empty, { auths: { 'new.host': { value: 't' } } });
  });
  it('creates a list when the next part is an index, and appends at index = length', () => {
    const s: Record<string, unknown> = {};
    setKey(s, 'notifications[0].type', 'http');
    assert.deepEqual(s, { notifications: [{ type: 'http' }] });
    setKey(s, 'notifications[1]', { type: 'plugin' });
    assert.deepEqual(s.notifications, [{ type: 'http' }, { type: 'plugin' }]);
  });
  it('fills a null intermediate (an empty `runtime:` in YAML)', () => {
    const s: Record<string, unknown> = { runtime: null };
    setKey(s, 'runtime.rollbacks.strategy', 'always');
    assert.deepEqual(s, { runtime: { rollbacks: { strategy: 'always' } } });
  });
  it('refuses to skip list slots', () => {
    assert.throws(() => setKey(sample(), 'notifications[3]', 1), /index 3 is out of range for 'notifications' \(2 item\(s\); use 2 to append\)/);
  });
  it('refuses to go through a scalar, index a mapping or key a list', () => {
    assert.throws(() => setKey(sample(), 'runtime.rollbacks.strategy.x', 1), /cannot set 'x' in 'runtime\.rollbacks\.strategy': it is a string/);
    assert.throws(() => setKey(sample(), 'auths[0]', 1), /cannot index 'auths': it is a mapping, not a list/);
    assert.throws(() => setKey(sample(), 'notifications.x', 1), /cannot set 'x' in 'notifications': it is a list/);
  });
  it('sets __proto__ as a plain key, never as the prototype', () => {
    const s: Record<string, unknown> = {};
    setKey(s, '__proto__.polluted', true);
    assert.equal(Object.getPrototypeOf(s), Object.prototype);
    assert.deepEqual(Object.keys(s), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('removeKey', () => {
  it('removes a mapping key with escapes', () => {
    const s = sample();
    assert.equal(removeKey(s, 'auths.example\\.com'), true);
    assert.deepEqual(Object.keys(s.auths), ['example.com:8443']);
  });
  it('splices the indexed item out (not the first equal item, as the reference does)', () => {
    const s = { l: ['a', 'b', 'a'] };
    assert.equal(removeKey(s, 'l[2]'), true);
    assert.deepEqual(s.l, ['a', 'b']);
  });
  it('returns false and changes nothing when the key is missing', () => {
    const s = sample();
    for (const k of ['nope', 'auths.nope', 'notifications[5]', 'runtime.rollbacks.strategy.x']) assert.equal(removeKey(s, k), false, k);
    assert.deepEqual(s, sample());
  });
});
