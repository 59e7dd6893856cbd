import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidExperiment } from '../../src/errors.ts';
import { loadSecrets } from '../../src/experiment/secrets.ts';
import { substitute } from '../../src/experiment/substitute.ts';
import { chaoslib } from './chaoslib-oracle.ts';

function problemsOf(fn: () => unknown): { message: string; path: unknown[] }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidExperiment, `expected InvalidExperiment, got ${err}`);
    return err.problems.map(({ message, path }) => ({ message, path }));
  }
  assert.fail('expected InvalidExperiment');
}

describe('loadSecrets: §5', () => {
  it('keeps inline values, reads env entries, recurses into nested mappings', () => {
    const decl = {
      a: { x: 'inline', n: 5, e: { type: 'env', key: 'E' } },
      b: { group: { deep: { type: 'env', key: 'D' }, plain: [1] } },
      scoped: { type: 'env', key: 'E' },
      odd: 'not a mapping',
    };
    assert.deepEqual(loadSecrets(decl, {}, { env: { E: 'e-val', D: 'd-val' } }), {
      a: { x: 'inline', n: 5, e: 'e-val' },
      b: { group: { deep: 'd-val', plain: [1] } },
      scoped: 'e-val',
      odd: 'not a mapping',
    });
  });

  it('an env secret has no default and no env_var_type', () => {
    assert.deepEqual(
      loadSecrets({ s: { k: { type: 'env', key: 'K', env_var_type: 'int', default: 'd' } } }, {}, { env: { K: '5' } }),
      { s: { k: '5' } },
    );
    assert.deepEqual(problemsOf(() => loadSecrets({ s: { k: { type: 'env', key: 'K', default: 'd' } } }, {}, { env: {} })), [
      { message: 'Secrets make reference to an environment key that does not exist: K', path: ['secrets', 's', 'k'] },
    ]);
  });

  it('collects every problem, vault entries included, each at its path', () => {
    const decl = {
      s: { a: { type: 'env', key: 'NOPE_A' }, v: { type: 'vault', path: 'foo/bar' }, ok: 'x' },
      t: { b: { type: 'env', key: 'NOPE_B' }, nokey: { type: 'env' } },
      whole: { type: 'vault', path: 'p', key: 'k' },
    };
    assert.deepEqual(problemsOf(() => loadSecrets(decl, {}, { env: {} })), [
      { message: 'Secrets make reference to an environment key that does not exist: NOPE_A', path: ['secrets', 's', 'a'] },
      { message: "vault secrets are not supported yet (secret 's.v')", path: ['secrets', 's', 'v'] },
      { message: 'Secrets make reference to an environment key that does not exist: NOPE_B', path: ['secrets', 't', 'b'] },
      { message: "Secret 't.nokey' of type env requires a string 'key'", path: ['secrets', 't', 'nokey'] },
      { message: "vault secrets are not supported yet (secret 'whole')", path: ['secrets', 'whole'] },
    ]);
  });

  it('rejects a secrets block that is not a mapping; accepts none', () => {
    assert.deepEqual(problemsOf(() => loadSecrets('x' as unknown as Record<string, unknown>, {})), [
      { message: 'secrets must be a mapping', path: ['secrets'] },
    ]);
    assert.deepEqual(loadSecrets(undefined, {}), {});
  });

  it('reads process.env by default', () => {
    process.env.TURBULENCE_SECRET_TEST = 'from-process';
    try {
      assert.deepEqual(loadSecrets({ s: { k: { type: 'env', key: 'TURBULENCE_SECRET_TEST' } } }, {}), { s: { k: 'from-process' } });
    } finally {
      delete process.env.TURBULENCE_SECRET_TEST;
    }
  });
});

describe('loadSecrets: var-file overrides (§15, Corrections 6)', () => {
  const decl = { s: { a: 'A', b: 'B' }, t: { c: { type: 'env', key: 'C' } } };

  it('an override replaces the whole scope, so ${b} stays unresolved', () => {
    const secrets = loadSecrets(decl, {}, { env: { C: 'c' }, extraVars: { s: { a: 'over' } } });
    assert.deepEqual(secrets, { s: { a: 'over' }, t: { c: 'c' } });
    assert.equal(substitute('${a} ${b}', {}, secrets), 'over ${b}');
  });

  it('the override is taken raw (not resolved) and spares a missing env in the scope it replaces', () => {
    const secrets = loadSecrets(decl, {}, { env: {}, extraVars: { t: { c: { type: 'env', key: 'NOPE' } } } });
    assert.deepEqual(secrets, { s: { a: 'A', b: 'B' }, t: { c: { type: 'env', key: 'NOPE' } } });
  });

  it('ignores overrides of undeclared scopes, null overrides, and overrides of non-mapping scopes', () => {
    const got = loadSecrets({ s: { a: 'A' }, plain: 'p' }, {}, { env: {}, extraVars: { s: null, plain: { x: 1 }, zz: { y: 2 } } });
    assert.deepEqual(got, { s: { a: 'A' }, plain: 'p' });
  });

  it('validation (no extraVars) still needs the env the override would replace', () => {
    assert.equal(problemsOf(() => loadSecrets(decl, {}, { env: {} })).length, 1);
  });
});

describe('loadSecrets: same results as chaoslib.load_secrets', () => {
  it('on a table of declarations, environments and overrides', () => {
    const cases: { decl: Record<string, unknown>; extra: Record<string, unknown> | null; env: Record<string, string> }[] = [
      { decl: { s: { a: 'A', n: 1, l: [1] }, p: 'plain' }, extra: null, env: {} },
      { decl: { s: { a: { type: 'env', key: 'A' } } }, extra: null, env: { A: 'va' } },
      { decl: { s: { a: { type: 'env', key: 'A' } } }, extra: null, env: {} },
      { decl: { s: { type: 'env', key: 'A' } }, extra: null, env: { A: 'whole' } },
      { decl: { s: { g: { h: { type: 'env', key: 'A' }, i: 'x' } } }, extra: null, env: { A: 'deep' } },
      { decl: { s: { a: 'A', b: 'B' } }, extra: { s: { a: 'over' } }, env: {} },
      { decl: { s: { a: { type: 'env', key: 'NOPE' } } }, extra: { s: { a: { type: 'env', key: 'NOPE' } } }, env: {} },
      { decl: { s: { a: 'A' } }, extra: { s: null, z: { q: 1 } }, env: {} },
      { decl: { s: { a: 'A' } }, extra: { s: {} }, env: {} },
      { decl: { s: 'plain' }, extra: { s: { x: 1 } }, env: {} },
    ];
    const expected = chaoslib(
      `import os
from chaoslib.secret import load_secrets
def run(c):
    os.environ.clear()
    os.environ.update(c["env"])
    return load_secrets(c["decl"], {}, c["extra"])`,
      cases,
    );
    cases.forEach((c, i) => {
      const want = expected[i];
      const label = JSON.stringify(c);
      try {
        assert.deepEqual({ ok: loadSecrets(c.decl, {}, { env: c.env, extraVars: c.extra ?? undefined }) }, want, label);
      } catch (err) {
        if (!(err instanceof InvalidExperiment)) throw err;
        assert.ok('error' in want, `${label}: reference gave ${JSON.stringify(want)}, we raised ${err.message}`);
        assert.equal(err.problems[0].message, want.message, label);
      }
    });
  });
});
