// Python controls at validation, against the reference `chaos validate` in .peers/venv: a control module may reject
// its own declaration (`validate_control`), and a module that cannot be imported is only a warning.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(ROOT, '.peers/venv/bin/python');
const CHAOS = join(ROOT, '.peers/venv/bin/chaos');
const TURBULENCE = join(ROOT, 'bin/turbulence.js');
assert.ok(existsSync(CHAOS), 'the reference venv is missing: run scripts/setup-test-peers.sh');
assert.ok(existsSync(join(ROOT, 'dist/turbulence.cjs')), 'the CLI is not built: run npm run build');

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-control-validation-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function experiment(strictArguments: Record<string, unknown>, extra: object[] = []): string {
  const file = join(tmp, `e${Math.random().toString(36).slice(2)}.json`);
  const doc = {
    title: 't',
    description: 'd',
    controls: [{ name: 'strict', provider: { type: 'python', module: 'turbulence_testext.strict_control', arguments: strictArguments } }, ...extra],
    method: [{ type: 'action', name: 'a', provider: { type: 'process', path: 'true' } }],
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

function both(file: string) {
  const env = { ...process.env, TURBULENCE_PYTHON: PYTHON, NO_COLOR: '1' };
  const ref = spawnSync(CHAOS, ['--no-version-check', '--no-log-file', 'validate', file], { cwd: tmp, env, encoding: 'utf8' });
  const turb = spawnSync(process.execPath, [TURBULENCE, '--no-log-file', 'validate', file], { cwd: tmp, env, encoding: 'utf8' });
  return { ref, turb };
}

const GONE = { name: 'gone', provider: { type: 'python', module: 'no_such_control_module' } };
const WARNING = "Could not find Python module 'no_such_control_module' in control 'gone'. Did you install the Python module? The experiment will carry on running nonetheless.";

describe('python controls at validation', () => {
  test('a declaration the module accepts is valid; a module that does not import is a warning, as in the reference', () => {
    const { ref, turb } = both(experiment({ level: 'low' }, [GONE]));
    assert.equal(ref.status, 0, ref.stderr);
    assert.equal(turb.status, 0, turb.stderr);
    assert.ok(ref.stderr.includes(WARNING), ref.stderr);
    assert.ok(turb.stderr.includes(WARNING), turb.stderr);
    assert.match(turb.stderr, /controls\[1\]\.provider\.module/);
  });

  test("the module's validate_control rejects a declaration: invalid, with its message and the control's path", () => {
    const { ref, turb } = both(experiment({}));
    assert.equal(ref.status, 1);
    assert.equal(turb.status, 1, turb.stderr);
    const message = "control 'strict' needs a 'level' argument";
    assert.ok(ref.stderr.includes(message), ref.stderr);
    assert.ok(turb.stderr.includes(message), turb.stderr);
    assert.match(turb.stderr, /controls\[0\]/);
  });

  test('any other exception of validate_control makes it invalid too (the reference crashes with a traceback)', () => {
    const { ref, turb } = both(experiment({ level: 'mid' }));
    assert.notEqual(ref.status, 0);
    assert.ok(ref.stderr.includes("ValueError: unknown level 'mid'"));
    assert.equal(turb.status, 1, turb.stderr);
    assert.ok(turb.stderr.includes("ValueError: unknown level 'mid'"), turb.stderr);
    assert.ok(!turb.stderr.includes('Traceback'), turb.stderr);
  });

  test('without Python, a python control is a warning, not an error', () => {
    const env = { ...process.env, TURBULENCE_PYTHON: join(tmp, 'no-python-here'), NO_COLOR: '1' };
    const turb = spawnSync(process.execPath, [TURBULENCE, '--no-log-file', 'validate', experiment({ level: 'low' })], { cwd: tmp, env, encoding: 'utf8' });
    assert.equal(turb.status, 0, turb.stderr);
    assert.match(turb.stderr, /Could not find Python module 'turbulence_testext\.strict_control' in control 'strict'/);
  });
});
