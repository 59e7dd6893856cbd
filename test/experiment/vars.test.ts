import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ChaosError } from '../../src/errors.ts';
import { loadConfiguration } from '../../src/experiment/configuration.ts';
import { loadSecrets } from '../../src/experiment/secrets.ts';
import { loadVarFiles, mergeVars, parseVar, parseVars } from '../../src/experiment/vars.ts';
import { setConsoleSink } from '../../src/log.ts';
import { chaoslib, normalize } from './chaoslib-oracle.ts';

function chaosError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ChaosError, `expected ChaosError, got ${err}`);
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('expected ChaosError');
}

async function rejects(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ChaosError, `expected ChaosError, got ${err}`);
    return err.message;
  }
  assert.fail('expected ChaosError');
}

describe('parseVar: --var k[:type]=v', () => {
  it('converts each type', () => {
    assert.deepEqual(parseVar('a=1'), ['a', '1']);
    assert.deepEqual(parseVar('a:str=x:y'), ['a', 'x:y']);
    assert.deepEqual(parseVar('a:string=b=c'), ['a', 'b=c']);
    assert.deepEqual(parseVar('a:int= 5 '), ['a', 5]);
    assert.deepEqual(parseVar('a:integer=-1_000'), ['a', -1000]);
    assert.deepEqual(parseVar('a:float=1.5'), ['a', 1.5]);
    assert.deepEqual(parseVar('a:number=1e3'), ['a', 1000]);
    assert.deepEqual(parseVar('a:bytes=hé'), ['a', Buffer.from('hé')]);
    assert.deepEqual(parseVar('a:bool=No'), ['a', false]);
    assert.deepEqual(parseVar('a:bool=yes'), ['a', true]);
    assert.deepEqual(parseVar('a:json={"x":[1,null]}'), ['a', { x: [1, null] }]);
    assert.deepEqual(parseVar('a:b:int=3'), ['a:b', 3]);
    assert.deepEqual(parseVar('=5'), ['', '5']);
  });

  it('names the bad --var in a one-line reason', () => {
    assert.equal(chaosError(() => parseVar('x')), "var needs to be in the format name[:type]=value (in --var 'x')");
    assert.equal(chaosError(() => parseVar('n:int=abc')), "invalid literal for int() with base 10: 'abc' (in --var 'n:int=abc')");
    assert.equal(chaosError(() => parseVar('n:float=x')), "could not convert string to float: 'x' (in --var 'n:float=x')");
    assert.equal(
      chaosError(() => parseVar('n:foo=1')),
      "variable type can only be: bool, str, int, float, bytes or json (in --var 'n:foo=1')",
    );
    assert.match(chaosError(() => parseVar('n:json={bad')), /^invalid JSON: .* \(in --var 'n:json=\{bad'\)$/);
  });

  it('parseVars: a later --var for the same key wins', () => {
    assert.deepEqual(parseVars(['a=1', 'b:int=2', 'a=3']), { a: '3', b: 2 });
  });

  it('same values and failures as chaoslib.convert_vars', () => {
    const specs = [
      'a=1', 'a:int=5', 'a:integer= 5 ', 'a:int=1_000', 'a:int=-0', 'a:int=+7', 'a:int=007', 'a:float=1.5', 'a:number=1e3',
      'a:float=inf', 'a:float=-Infinity', 'a:float=nan', 'a:float=.5', 'a:float=5.', 'a:float= 1_0.2_5 ', 'a:bytes=héllo',
      'a:bool=No', 'a:bool=FALSE', 'a:bool=0', 'a:bool=off', 'a:bool=', 'a:json={"x":[1,2]}', 'a:json=', 'a:json=5',
      'a:json="s"', 'a:str=x:y', 'a:string=a=b', 'a=b=c', 'a:b:int=3', '=5', 'a:=5', 'a:int=abc', 'a:int=1.5',
      'a:int=1__0', 'a:int=_1', 'a:float=abc', 'a:float=1e', 'a:float=.', 'a:foo=1', 'x', 'a:json={bad', 'a:INT=1',
    ];
    const expected = chaoslib('from chaoslib import convert_vars\ndef run(c): return convert_vars([c])', specs);
    specs.forEach((spec, i) => {
      const want = expected[i];
      if ('error' in want) {
        const message = chaosError(() => parseVar(spec));
        assert.ok(message.endsWith(`(in --var '${spec}')`), message);
      } else {
        assert.deepEqual({ ok: normalize(Object.fromEntries([parseVar(spec)])) }, want, spec);
      }
    });
  });
});

describe('var files and mergeVars', () => {
  let dir: string;
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'turbulence-vars-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads json, yaml and yml; later files win key by key; secrets scopes replace whole', async () => {
    const a = file('a.json', JSON.stringify({ configuration: { a: 1, b: { type: 'env', key: 'X' } }, secrets: { s: { k: 'v', j: 'w' } } }));
    const b = file('b.yaml', 'configuration:\n  a: 2\n  c: yes\nsecrets:\n  s:\n    k: v2\n');
    const c = file('c.yml', 'secrets:\n  t:\n    x: 1\n');
    assert.deepEqual(await loadVarFiles([a, b, c], {}), {
      configuration: { a: 2, b: { type: 'env', key: 'X' }, c: true },
      secrets: { s: { k: 'v2' }, t: { x: 1 } },
    });
  });

  it('.env files: K=V lines into env verbatim, quotes kept, comments and blank lines skipped', async () => {
    const env: NodeJS.ProcessEnv = {};
    const p = file('vars.env', '# comment\n\nA="quoted"\r\nB=\'single\'\n  C = spaced  \nD=a=b\nexport E=1\nF=\n');
    assert.deepEqual(await loadVarFiles([p], env), { configuration: {}, secrets: {} });
    assert.deepEqual(env, { A: '"quoted"', B: "'single'", 'C ': ' spaced', D: 'a=b', 'export E': '1', F: '' });
  });

  it('any other extension is a .env file; the default env is process.env', async () => {
    const p = file('vars.txt', 'TURBULENCE_VARS_TEST=from-file\n');
    try {
      await loadVarFiles([p]);
      assert.equal(process.env.TURBULENCE_VARS_TEST, 'from-file');
    } finally {
      delete process.env.TURBULENCE_VARS_TEST;
    }
  });

  it('a missing file is a ChaosError, raised before any file is applied', async () => {
    const env: NodeJS.ProcessEnv = {};
    const p = file('ok.env', 'A=1\n');
    const message = await rejects(loadVarFiles([p, join(dir, 'nope.json')], env));
    assert.equal(message, `Invalid value for '--var-file': Path '${join(dir, 'nope.json')}' does not exist.`);
    assert.deepEqual(env, {});
  });

  it('skips (logging an error) a directory and a file that fails to parse; skips an empty file', async () => {
    mkdirSync(join(dir, 'sub.json'), { recursive: true });
    const bad = file('bad.json', '{"configuration": ');
    const empty = file('empty.yaml', '');
    const good = file('good.json', '{"configuration": {"a": 1}}');
    const lines: string[] = [];
    setConsoleSink((_level, line) => lines.push(line));
    let got;
    try {
      got = await loadVarFiles([join(dir, 'sub.json'), bad, empty, good], {});
    } finally {
      setConsoleSink(null);
    }
    assert.deepEqual(got, { configuration: { a: 1 }, secrets: {} });
    assert.equal(lines.filter((l) => l.includes('ERROR')).length, 2, lines.join('\n'));
    assert.ok(lines.some((l) => l.includes(`Cannot read var file '${join(dir, 'sub.json')}'`)));
    assert.ok(lines.some((l) => l.includes(`Failed to parse variable file '${bad}'`)));
  });

  it('a file that parses to nothing is read as .env lines (the reference crashes on them; we explain)', async () => {
    const env: NodeJS.ProcessEnv = {};
    await loadVarFiles([file('comments.yaml', '# only a comment\n')], env);
    assert.deepEqual(env, {});
    assert.match(await rejects(loadVarFiles([file('emptyobj.json', '{}')], env)), /emptyobj\.json' line 1 is not KEY=VALUE: \{\}/);
  });

  it('a var file that is not {configuration, secrets} mappings is a ChaosError', async () => {
    assert.match(await rejects(loadVarFiles([file('list.json', '[1]')], {})), /must hold a mapping/);
    assert.match(await rejects(loadVarFiles([file('nullconf.json', '{"configuration": null}')], {})), /'configuration' must be a mapping/);
  });

  it('mergeVars: --var beats var files; inputs untouched', () => {
    const files = { configuration: { a: 1, b: 2 }, secrets: { s: { k: 'v' } } };
    const merged = mergeVars({ a: 'cli', c: 3 }, files);
    assert.deepEqual(merged, { configuration: { a: 'cli', b: 2, c: 3 }, secrets: { s: { k: 'v' } } });
    assert.deepEqual(files, { configuration: { a: 1, b: 2 }, secrets: { s: { k: 'v' } } });
    assert.deepEqual(mergeVars({ a: 1 }), { configuration: { a: 1 }, secrets: {} });
  });

  it('same configuration, secrets and environment as chaoslib.merge_vars', async () => {
    const cases: { var: Record<string, unknown>; files: string[] }[] = [
      {
        var: {},
        files: [
          file('m1.json', JSON.stringify({ configuration: { a: 1, b: { type: 'env', key: 'X' } }, secrets: { s: { k: 'v' } } })),
          file('m2.yaml', 'configuration:\n  a: 2\n  flag: yes\n  oct: 010\n  t: 1:30\n  e: 1e3\nsecrets:\n  s:\n    j: w\n'),
        ],
      },
      { var: { a: 'cli', z: 5 }, files: [file('m3.json', '{"configuration": {"a": 1, "b": 2}}')] },
      { var: {}, files: [file('m4.env', '# c\n\nA="q"\r\nB = 1 \nC=x=y\n'), file('m5.txt', 'A=second\n')] },
      { var: {}, files: [file('m6.yml', 'secrets:\n  s: {a: 1}\n'), file('m7.json', '{"secrets": {"t": {"b": 2}}}')] },
      { var: { n: 1 }, files: [file('m8.json', ''), file('m9.json', '{"configuration": ')] },
    ];
    const expected = chaoslib(
      `import os
from chaoslib import merge_vars
def run(c):
    os.environ.clear()
    cfg, sec = merge_vars(c["var"], c["files"])
    return [cfg, sec, dict(os.environ)]`,
      cases,
      { PATH: process.env.PATH },
    );
    for (const [i, c] of cases.entries()) {
      const env: NodeJS.ProcessEnv = {};
      setConsoleSink(() => {});
      try {
        const merged = mergeVars(c.var, await loadVarFiles(c.files, env));
        assert.deepEqual({ ok: [merged.configuration, merged.secrets, env] }, expected[i], JSON.stringify(c));
      } finally {
        setConsoleSink(null);
      }
    }
  });

  it('end to end: --var only reaches declared keys, var-file secrets replace the scope (§15)', async () => {
    const env: NodeJS.ProcessEnv = {};
    const files = await loadVarFiles(
      [file('e2e.json', JSON.stringify({ configuration: { port: 9 }, secrets: { s: { a: 'over' } } })), file('e2e.env', 'HOST="h"\n')],
      env,
    );
    const extra = mergeVars(parseVars(['port:int=8080', 'newkey=5']), files);
    const decl = { port: 80, host: { type: 'env', key: 'HOST' } };
    const configuration = loadConfiguration(decl, { env, extraVars: extra.configuration });
    assert.deepEqual(configuration, { port: 8080, host: '"h"' });
    assert.deepEqual(loadSecrets({ s: { a: 'A', b: 'B' } }, configuration, { env, extraVars: extra.secrets }), { s: { a: 'over' } });
  });
});
