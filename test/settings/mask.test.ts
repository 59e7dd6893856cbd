import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK, isSecretName, maskSecrets } from '../../src/settings/mask.ts';

describe('isSecretName', () => {
  it('matches names whose last word is secret-like', () => {
    for (const n of ['token', 'password', 'api_key', 'apiKey', 'X-Auth-Token', 'client_secret', 'Authorization', 'SECRET_ACCESS_KEY', 'private-key', 'secrets']) {
      assert.equal(isSecretName(n), true, n);
    }
  });
  it('leaves other names alone', () => {
    for (const n of ['monkey', 'keys', 'token_url', 'password_file', 'secret_name', 'type', 'url', 'value', 'events', 'keyboard']) {
      assert.equal(isSecretName(n), false, n);
    }
  });
});

describe('maskSecrets', () => {
  const settings = {
    auths: { 'example.com': { type: 'bearer', value: 'XYZ' } },
    notifications: [
      { type: 'http', url: 'https://bot:hunter2@hooks.example.com/x?y=1', headers: { Authorization: 'Bearer abc', Accept: 'text/plain' } },
    ],
    controls: { c: { provider: { arguments: { api_key: 12345, secrets: { a: 'b', n: [1, 'two'] }, verbose: true, dry: false } } } },
    runtime: { rollbacks: { strategy: 'default' } },
    empty_password: '',
    null_token: null,
    private: true,
  };
  const masked = maskSecrets(settings) as typeof settings;

  it('masks auth values but keeps their type', () => {
    assert.deepEqual(masked.auths, { 'example.com': { type: 'bearer', value: MASK } });
  });
  it('masks secret-named keys, whole subtrees included, and URL passwords', () => {
    const n = masked.notifications[0]!;
    assert.equal(n.url, `https://bot:${MASK}@hooks.example.com/x?y=1`);
    assert.deepEqual(n.headers, { Authorization: MASK, Accept: 'text/plain' });
    assert.deepEqual(masked.controls.c.provider.arguments, { api_key: MASK, secrets: { a: MASK, n: [MASK, MASK] }, verbose: true, dry: false });
  });
  it('leaves booleans, nulls, empty strings and ordinary values visible', () => {
    assert.deepEqual(masked.runtime, settings.runtime);
    assert.equal(masked.empty_password, '');
    assert.equal(masked.null_token, null);
    assert.equal(masked.private, true);
  });
  it('does not touch the original', () => assert.equal(settings.auths['example.com'].value, 'XYZ'));
  it('masks a subtree according to where it sits', () => {
    assert.deepEqual(maskSecrets({ type: 'bearer', value: 'XYZ' }, ['auths', 'example.com']), { type: 'bearer', value: MASK });
    assert.deepEqual(maskSecrets({ a: 'b' }, ['controls', 'password']), { a: MASK });
    assert.deepEqual(maskSecrets({ value: 'v' }, ['controls', 'x']), { value: 'v' });
  });
  it('keeps a __proto__ key as data', () => {
    const m = maskSecrets(JSON.parse('{"__proto__": {"token": "t"}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(m), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(m, '__proto__')?.value, { token: MASK });
  });
});
