import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InvalidExperiment } from '../../src/errors.ts';
import { loadConfiguration, loadDynamicConfiguration } from '../../src/experiment/configuration.ts';
import { substitute } from '../../src/experiment/substitute.ts';
import type { Activity, Configuration, Secrets } from '../../src/experiment/types.ts';
import { setConsoleSink } from '../../src/log.ts';
import { chaoslib, normalize } from './chaoslib-oracle.ts';

const run = promisify(execFile);

function problemsOf(fn: () => unknown): { message: string; path: unknown[] }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidExperiment, `expected InvalidExperiment, got ${err}`);
    return err.problems.map(({ message, path }) => ({ message, path }));
  }
  assert.fail('expected InvalidExperiment');
}

describe('loadConfiguration: §5 values', () => {
  it('keeps inline values, dicts without a type and dicts of another type as they are', () => {
    const probe = { type: 'probe', name: 'p', provider: { type: 'process', path: 'echo' } };
    const decl = { a: 'x', b: 5, c: [1], d: { k: 'v' }, e: probe, f: null, g: { type: 'other', key: 'HOME' } };
    assert.deepEqual(loadConfiguration(decl, { env: {} }), decl);
  });

  it('reads env entries, and uses the default only when the variable is missing', () => {
    const decl = {
      a: { type: 'env', key: 'A' },
      b: { type: 'env', key: 'B', default: 'dflt' },
      c: { type: 'env', key: 'C', default: 'unused' },
      d: { type: 'env', key: 'D', default: null },
      e: { type: 'env', key: 'E', default: { x: 1 } },
    };
    assert.deepEqual(loadConfiguration(decl, { env: { A: 'va', C: '' } }), { a: 'va', b: 'dflt', c: '', d: null, e: { x: 1 } });
  });

  it('converts with env_var_type, the default included', () => {
    const decl = {
      s: { type: 'env', key: 'S', env_var_type: 'str' },
      s2: { type: 'env', key: 'S', env_var_type: 'string' },
      i: { type: 'env', key: 'I', env_var_type: 'int' },
      i2: { type: 'env', key: 'I', env_var_type: 'integer' },
      f: { type: 'env', key: 'F', env_var_type: 'float' },
      f2: { type: 'env', key: 'F', env_var_type: 'number' },
      by: { type: 'env', key: 'S', env_var_type: 'bytes' },
      j: { type: 'env', key: 'J', env_var_type: 'json' },
      di: { type: 'env', key: 'MISSING', env_var_type: 'int', default: '42' },
      df: { type: 'env', key: 'MISSING', env_var_type: 'int', default: 4.7 },
      db: { type: 'env', key: 'MISSING', env_var_type: 'bool', default: true },
      dj: { type: 'env', key: 'MISSING', env_var_type: 'json', default: [1] },
    };
    const env = { S: 'héllo', I: ' -12 ', F: '2.5e1', J: '{"a": [1, null]}' };
    assert.deepEqual(loadConfiguration(decl, { env }), {
      s: 'héllo',
      s2: 'héllo',
      i: -12,
      i2: -12,
      f: 25,
      f2: 25,
      by: Buffer.from('héllo'),
      j: { a: [1, null] },
      di: 42,
      df: 4,
      db: true,
      dj: [1],
    });
  });

  it('reads false, 0 and no (any case) as false for bool; anything else is true', () => {
    const values = ['false', 'False', 'FALSE', '0', 'no', 'No', 'NO', 'true', '1', 'yes', 'off', 'n', '', ' no'];
    const decl = Object.fromEntries(values.map((v, i) => [`k${i}`, { type: 'env', key: `V${i}`, env_var_type: 'bool' }]));
    const env = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
    const got = loadConfiguration(decl, { env });
    assert.deepEqual(
      values.map((_, i) => got[`k${i}`]),
      [false, false, false, false, false, false, false, true, true, true, true, true, true, true],
    );
  });

  it('reports a missing variable without default with the reference message, at its key', () => {
    assert.deepEqual(problemsOf(() => loadConfiguration({ x: { type: 'env', key: 'NOPE_XYZ' } }, { env: {} })), [
      { message: 'Configuration makes reference to an environment key that does not exist: NOPE_XYZ', path: ['configuration', 'x'] },
    ]);
  });

  it('collects every problem: missing variables, bad conversions, bad types, missing keys', () => {
    const decl = {
      ok: 'fine',
      m1: { type: 'env', key: 'M1' },
      bad: { type: 'env', key: 'P', env_var_type: 'int' },
      m2: { type: 'env', key: 'M2' },
      wat: { type: 'env', key: 'P', env_var_type: 'wat' },
      nokey: { type: 'env' },
      dnone: { type: 'env', key: 'MISSING', env_var_type: 'int', default: null },
    };
    const problems = problemsOf(() => loadConfiguration(decl, { env: { P: 'abc' } }));
    assert.deepEqual(
      problems.map((p) => p.path),
      [['configuration', 'm1'], ['configuration', 'bad'], ['configuration', 'm2'], ['configuration', 'wat'], ['configuration', 'nokey'], ['configuration', 'dnone']],
    );
    assert.equal(problems[0].message, 'Configuration makes reference to an environment key that does not exist: M1');
    assert.match(problems[1].message, /P.*int.*invalid literal for int\(\) with base 10: 'abc'/);
    assert.match(problems[3].message, /variable type can only be: bool, str, int, float, bytes or json/);
    assert.match(problems[4].message, /requires a string 'key'/);
    assert.match(problems[5].message, /NoneType/);
  });

  it('rejects a configuration block that is not a mapping; accepts none', () => {
    assert.deepEqual(problemsOf(() => loadConfiguration([1] as unknown as Record<string, unknown>)), [
      { message: 'configuration must be a mapping', path: ['configuration'] },
    ]);
    assert.deepEqual(loadConfiguration(undefined), {});
  });

  it('reads process.env by default', () => {
    process.env.TURBULENCE_CFG_TEST = 'from-process';
    try {
      assert.deepEqual(loadConfiguration({ a: { type: 'env', key: 'TURBULENCE_CFG_TEST' } }), { a: 'from-process' });
    } finally {
      delete process.env.TURBULENCE_CFG_TEST;
    }
  });
});

describe('loadConfiguration: §15 overrides (extraVars)', () => {
  it('an override replaces a declared key, inline or env; undeclared keys are ignored (--var newkey=5)', () => {
    const decl = { a: 'x', b: { type: 'env', key: 'B' } };
    const got = loadConfiguration(decl, { env: { B: 'env-b' }, extraVars: { a: 5, b: 'var-b', newkey: 5 } });
    assert.deepEqual(got, { a: 5, b: 'var-b' });
  });

  it('--var does not satisfy a missing env at validation (no extraVars), but does at run (Correction 1)', () => {
    const decl = { b: { type: 'env', key: 'NOPE_B' } };
    assert.deepEqual(problemsOf(() => loadConfiguration(decl, { env: {} })).map((p) => p.message), [
      'Configuration makes reference to an environment key that does not exist: NOPE_B',
    ]);
    assert.deepEqual(loadConfiguration(decl, { env: {}, extraVars: { b: 3 } }), { b: 3 });
  });

  it('a var-file entry may be a full definition, which is then resolved (and may itself fail)', () => {
    const decl = { a: 'inline', b: { type: 'env', key: 'B' } };
    const env = { OTHER: '8' };
    const extraVars = { a: { type: 'env', key: 'OTHER', env_var_type: 'int' }, b: { type: 'env', key: 'B2', default: 'd' } };
    assert.deepEqual(loadConfiguration(decl, { env, extraVars }), { a: 8, b: 'd' });
    assert.deepEqual(problemsOf(() => loadConfiguration(decl, { env, extraVars: { a: { type: 'env', key: 'NOPE' } } })).map((p) => p.path), [
      ['configuration', 'a'],
      ['configuration', 'b'],
    ]);
  });

  it('does not alter extraVars or the declaration', () => {
    const decl = { a: { type: 'env', key: 'A', default: '1' } };
    const extraVars = { a: 2, z: 3 };
    loadConfiguration(decl, { env: {}, extraVars });
    assert.deepEqual(extraVars, { a: 2, z: 3 });
    assert.deepEqual(decl, { a: { type: 'env', key: 'A', default: '1' } });
  });
});

describe('loadConfiguration: same results as chaoslib.load_configuration', () => {
  it('on a table of declarations, environments and overrides', () => {
    const cases: { decl: Record<string, unknown>; extra: Record<string, unknown> | null; env: Record<string, string> }[] = [
      { decl: { a: 'x', b: 5, c: { k: 'v' }, d: { type: 'probe', name: 'n' } }, extra: null, env: {} },
      { decl: { a: { type: 'env', key: 'A' } }, extra: null, env: { A: 'va' } },
      { decl: { a: { type: 'env', key: 'A' } }, extra: null, env: {} },
      { decl: { a: { type: 'env', key: 'A' } }, extra: { a: 3 }, env: {} },
      { decl: { a: { type: 'env', key: 'A', default: '7', env_var_type: 'int' } }, extra: null, env: {} },
      { decl: { a: { type: 'env', key: 'A', default: 7.9, env_var_type: 'int' } }, extra: null, env: {} },
      { decl: { a: { type: 'env', key: 'A', default: null } }, extra: null, env: {} },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'float' } }, extra: null, env: { A: ' 1_000.5 ' } },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'float' } }, extra: null, env: { A: '-inf' } },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'int' } }, extra: null, env: { A: '+1_2' } },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'bool' } }, extra: null, env: { A: 'NO' } },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'bool' } }, extra: null, env: { A: 'off' } },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'json' } }, extra: null, env: { A: '{"x": [1, 2.5, true]}' } },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'json' } }, extra: null, env: { A: '' } },
      { decl: { a: { type: 'env', key: 'A', env_var_type: 'bytes' } }, extra: null, env: { A: 'é' } },
      { decl: { a: 'x', b: 'y' }, extra: { b: 'z', c: 'ignored' }, env: {} },
      { decl: { a: 'x' }, extra: { a: { type: 'env', key: 'A', env_var_type: 'int' } }, env: { A: '5' } },
      { decl: { a: 'x' }, extra: { a: { type: 'env', key: 'A' } }, env: {} },
      { decl: { a: { type: 'env', key: 'A' } }, extra: { a: { type: 'env', key: 'B', default: 'd' } }, env: { A: 'va' } },
    ];
    const expected = chaoslib(
      `import os
from chaoslib.configuration import load_configuration
def run(c):
    os.environ.clear()
    os.environ.update(c["env"])
    return load_configuration(c["decl"], c["extra"])`,
      cases,
    );
    cases.forEach((c, i) => {
      const want = expected[i];
      const label = JSON.stringify(c);
      let got: unknown;
      try {
        got = { ok: normalize(loadConfiguration(c.decl, { env: c.env, extraVars: c.extra ?? undefined })) };
      } catch (err) {
        assert.ok(err instanceof InvalidExperiment, label);
        assert.ok('error' in want, `${label}: reference gave ${JSON.stringify(want)}, we raised ${err.message}`);
        assert.equal(err.problems[0].message, want.message, label);
        return;
      }
      assert.deepEqual(got, want, label);
    });
  });
});

/** What the engine would pass: a process probe run for real (arguments substituted), or a canned python result. */
async function runProbe(activity: Activity, configuration: Configuration, secrets: Secrets): Promise<unknown> {
  const p = activity.provider as Record<string, unknown>;
  if (p.type === 'process') {
    const args = substitute(p.arguments as string[], configuration, secrets);
    try {
      const { stdout, stderr } = await run(p.path as string, args);
      return { status: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { status: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  if (p.type === 'http') {
    const res = await fetch(substitute(p.url as string, configuration, secrets));
    return { status: res.status, headers: {}, body: await res.text() };
  }
  if (p.type === 'python') return { seen: configuration, secrets: p.secrets };
  throw new Error(`unknown provider ${String(p.type)}`);
}

describe('loadDynamicConfiguration', () => {
  let server: ReturnType<typeof createServer>;
  let port = 0;
  before(async () => {
    server = createServer((req, res) => res.end(`body of ${req.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  it('runs probes in key order, each seeing earlier keys only, and stores per provider type', async () => {
    const config: Configuration = {
      a: 'one',
      b: { type: 'probe', name: 'pb', provider: { type: 'process', path: 'echo', arguments: ['  got-${a}-${after}  '] } },
      c: { type: 'probe', name: 'pc', provider: { type: 'process', path: 'sh', arguments: ['-c', 'echo no >&2; exit 3'] } },
      h: { type: 'probe', name: 'ph', provider: { type: 'http', url: 'http://127.0.0.1:${port}/${b}' } },
      py: { type: 'probe', name: 'ppy', provider: { type: 'python', module: 'm', func: 'f' } },
      port,
      after: 'late',
    };
    const copy = structuredClone(config);
    const secrets: Secrets = { s1: { tok: 'x' }, s2: {} };
    const lines: string[] = [];
    setConsoleSink((_level, line) => lines.push(line));
    let got: Configuration;
    try {
      got = await loadDynamicConfiguration(config, secrets, runProbe);
    } finally {
      setConsoleSink(null);
    }
    assert.deepEqual(got, {
      a: 'one',
      b: 'got-one-${after}',
      // h ran before `port` was known, so its url was not substituted and fetch failed: dropped
      py: { seen: { a: 'one', b: 'got-one-${after}' }, secrets: ['s1', 's2'] },
      port,
      after: 'late',
    });
    assert.deepEqual(config, copy, 'input untouched');
    assert.equal(lines.filter((l) => l.includes('WARNING')).length, 1);
    assert.ok(lines.some((l) => l.includes('Some of the dynamic configuration failed to be loaded.Please review the log file')));
  });

  it('stores the http body once the url resolves', async () => {
    const got = await loadDynamicConfiguration(
      { port, h: { type: 'probe', name: 'ph', provider: { type: 'http', url: 'http://127.0.0.1:${port}/x' } } },
      {},
      runProbe,
    );
    assert.deepEqual(got, { port, h: 'body of /x' });
  });

  it('logs no warning when every probe succeeds, and passes static values through', async () => {
    const lines: string[] = [];
    setConsoleSink((_level, line) => lines.push(line));
    try {
      const got = await loadDynamicConfiguration({ a: 1, b: { type: 'other' } }, {}, runProbe);
      assert.deepEqual(got, { a: 1, b: { type: 'other' } });
    } finally {
      setConsoleSink(null);
    }
    assert.deepEqual(lines, []);
  });

  it('matches the reference run: title substituted with dynamic values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'turbulence-dyn-'));
    try {
      const experiment = {
        title: 't ${a} ${b} ${c} ${after}',
        description: 'd',
        secrets: { s: { tok: 'sekrit' } },
        configuration: {
          a: 'one',
          b: { type: 'probe', name: 'pb', provider: { type: 'process', path: 'echo', arguments: ['  got-${a}-${after}  '] } },
          c: { type: 'probe', name: 'pc', provider: { type: 'process', path: 'sh', arguments: ['-c', 'exit 3'] } },
          after: 'late',
        },
        method: [],
      };
      writeFileSync(join(dir, 'e.json'), JSON.stringify(experiment));
      const chaos = fileURLToPath(new URL('../../.peers/venv/bin/chaos', import.meta.url));
      await run(chaos, ['--no-version-check', 'run', '--journal-path', join(dir, 'journal.json'), join(dir, 'e.json')], { cwd: dir });
      const journal = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
      const conf = await loadDynamicConfiguration(
        loadConfiguration(experiment.configuration, { env: {} }),
        { s: { tok: 'sekrit' } },
        runProbe,
      );
      assert.equal(substitute(experiment.title, conf, {}), journal.experiment.title);
      assert.equal(journal.experiment.title, 't one got-one-${after} ${c} late');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
