// `turbulence settings ...` through the built binary, with HOME in a temp dir; the reference (.peers/venv) is the
// oracle for layout and exit codes where it does not crash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/turbulence.js');
const chaos = join(root, '.peers/venv/bin/chaos');
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-settings-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SETTINGS = `# my settings
runtime:
  rollbacks: {strategy: default}
auths:
  example.com:
    type: bearer
    value: XYZ
  example.com:8443:
    type: basic
    value: abc
notifications:
  - type: http
    url: https://x/y
    headers: {X-Api-Key: k-123}
    events: [run-failed]
  - {type: plugin, module: pkg.mod}
`;

let n = 0;
/** A fresh HOME (and working directory) holding the given files. */
function home(files: Record<string, string> = {}): string {
  const dir = join(tmp, `h${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

function turbulence(h: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, '--no-log-file', ...args], {
    cwd: h,
    env: { ...process.env, HOME: h, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const own = (h: string) => join(h, '.turbulence/settings.yaml');

/** The error output is one line, with no stack trace. */
function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at |Traceback/);
}

describe('settings show', () => {
  it('prints YAML laid out as the reference (sorted keys, unindented lists) with secrets masked', () => {
    const h = home({ '.turbulence/settings.yaml': SETTINGS });
    const r = turbulence(h, 'settings', 'show');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `auths:
  example.com:
    type: bearer
    value: "********"
  example.com:8443:
    type: basic
    value: "********"
notifications:
- events:
  - run-failed
  headers:
    X-Api-Key: "********"
  type: http
  url: https://x/y
- module: pkg.mod
  type: plugin
runtime:
  rollbacks:
    strategy: default
`,
    );
  });
  it('prints secrets with --show-secrets, and JSON with --format json', () => {
    const h = home({ '.turbulence/settings.yaml': SETTINGS });
    const clear = turbulence(h, 'settings', 'show', '--show-secrets');
    assert.match(clear.stdout, /value: XYZ/);
    assert.match(clear.stdout, /X-Api-Key: k-123/);
    const json = JSON.parse(turbulence(h, 'settings', 'show', '--format', 'json').stdout);
    assert.equal(json.auths['example.com'].value, '********');
    assert.equal(json.runtime.rollbacks.strategy, 'default');
    assert.equal(json.notifications[1].module, 'pkg.mod');
  });
  it('exits 1 with one line when the file is missing, naming both default paths', () => {
    const h = home();
    const r = turbulence(h, 'settings', 'show');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assertOneLineError(r.stderr, /no settings file found at .*\.turbulence\/settings\.yaml nor at .*\.chaostoolkit\/settings\.yaml/);
  });
  it('shows an empty file as {}', () => {
    const h = home({ '.turbulence/settings.yaml': '' });
    assert.deepEqual(turbulence(h, 'settings', 'show'), { code: 0, stdout: '{}\n', stderr: '' });
  });
});

describe('settings get', () => {
  const h = home({ '.turbulence/settings.yaml': SETTINGS });
  const get = (...a: string[]) => turbulence(h, 'settings', 'get', ...a);

  it('prints a scalar as YAML, JSON or a bare string, unmasked', () => {
    assert.equal(get('auths.example\\.com.value').stdout, 'XYZ\n');
    assert.equal(get('--format', 'json', 'auths.example\\.com:8443.value').stdout, '"abc"\n');
    assert.equal(get('--format', 'string', 'notifications[0].url').stdout, 'https://x/y\n');
    assert.equal(get('runtime.rollbacks.strategy').stdout, 'default\n');
  });
  it('masks secrets inside a subtree unless --show-secrets', () => {
    assert.equal(get('auths.example\\.com').stdout, 'type: bearer\nvalue: "********"\n');
    assert.equal(get('--show-secrets', 'auths.example\\.com').stdout, 'type: bearer\nvalue: XYZ\n');
    assert.deepEqual(JSON.parse(get('--format', 'json', 'notifications[0].headers').stdout), { 'X-Api-Key': '********' });
    assert.equal(get('--format', 'string', 'notifications[1]').stdout, '{"type":"plugin","module":"pkg.mod"}\n');
  });
  it('prints a list item by index', () => {
    assert.equal(get('notifications[1]').stdout, 'module: pkg.mod\ntype: plugin\n');
    assert.equal(get('notifications[0].events[0]').stdout, 'run-failed\n');
  });
  for (const key of ['nope', 'auths.nope', 'auths.example.com', 'notifications[5]', 'auths[0]', 'runtime.rollbacks.strategy.d']) {
    it(`exits 1 with one line for the missing key ${key}`, () => {
      const r = get(key);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assertOneLineError(r.stderr, new RegExp(`no settings key '${key.replace(/[.[\]\\]/g, '\\$&')}' in .*settings\\.yaml`));
    });
  }
  it('exits 1 on an empty index, which crashes the reference', () => {
    const r = get('notifications[]');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /invalid settings key 'notifications\[\]': empty index/);
  });
});

describe('settings set', () => {
  const fresh = () => home({ '.turbulence/settings.yaml': SETTINGS });
  const json = (h: string, key: string) => JSON.parse(turbulence(h, 'settings', 'get', '--format', 'json', '--show-secrets', key).stdout);

  it('sets JSON values of every type', () => {
    const h = fresh();
    for (const [key, value] of [
      ['runtime.rollbacks.strategy', '"always"'],
      ['auths.example\\.com.value', '"new-token"'],
      ['notifications[1]', '{"type": "plugin", "module": "m", "events": ["run-failed"], "n": [1, 2.5, null, true]}'],
      ['runtime.hypothesis', '3'],
    ] as const) {
      const r = turbulence(h, 'settings', 'set', key, value);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      assert.deepEqual(json(h, key), JSON.parse(value), key);
    }
    // the rest is untouched
    assert.equal(json(h, 'auths.example\\.com:8443.value'), 'abc');
  });
  it('takes a bare word as a string and refuses broken JSON', () => {
    const h = fresh();
    assert.equal(turbulence(h, 'settings', 'set', 'runtime.rollbacks.strategy', 'always').code, 0);
    assert.equal(json(h, 'runtime.rollbacks.strategy'), 'always');
    const before = readFileSync(own(h), 'utf8');
    const r = turbulence(h, 'settings', 'set', 'runtime.rollbacks.strategy', '{"a": ');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /the value is not valid JSON/);
    assert.equal(readFileSync(own(h), 'utf8'), before);
  });
  it('creates intermediate keys and appends to a list at index = length', () => {
    const h = fresh();
    assert.equal(turbulence(h, 'settings', 'set', 'controls.my-ctrl.provider.module', '"pkg.control"').code, 0);
    assert.deepEqual(json(h, 'controls'), { 'my-ctrl': { provider: { module: 'pkg.control' } } });
    assert.equal(turbulence(h, 'settings', 'set', 'notifications[2].type', 'http').code, 0);
    assert.deepEqual(json(h, 'notifications[2]'), { type: 'http' });
    const r = turbulence(h, 'settings', 'set', 'notifications[9]', '1');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /index 9 is out of range for 'notifications' \(3 item\(s\); use 3 to append\)/);
  });
  it('writes YAML that the reference reads back, strings such as "yes" staying strings', () => {
    assert.ok(existsSync(chaos), 'the reference venv is missing: run scripts/setup-test-peers.sh');
    const h = fresh();
    assert.equal(turbulence(h, 'settings', 'set', 'runtime.rollbacks.strategy', '"yes"').code, 0);
    assert.equal(turbulence(h, 'settings', 'set', 'x.octal', '"0777"').code, 0);
    const ref = spawnSync(chaos, ['--no-version-check', '--no-log-file', '--settings', own(h), 'settings', 'get', '--format', 'json', 'x'], { encoding: 'utf8' });
    assert.equal(ref.status, 0, ref.stderr);
    assert.deepEqual(JSON.parse(ref.stdout), { octal: '0777' });
    const ref2 = spawnSync(chaos, ['--no-version-check', '--no-log-file', '--settings', own(h), 'settings', 'get', '--format', 'json', 'runtime.rollbacks.strategy'], { encoding: 'utf8' });
    assert.equal(JSON.parse(ref2.stdout), 'yes');
  });
  it('keeps the file mode', () => {
    const h = fresh();
    chmodSync(own(h), 0o640);
    assert.equal(turbulence(h, 'settings', 'set', 'a', '1').code, 0);
    assert.equal(statSync(own(h)).mode & 0o777, 0o640);
  });
  it('refuses to go through a scalar', () => {
    const r = turbulence(fresh(), 'settings', 'set', 'runtime.rollbacks.strategy.x', '1');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /cannot set 'x' in 'runtime\.rollbacks\.strategy': it is a string, not a mapping/);
  });
});

describe('settings remove', () => {
  it('removes a key with escapes and a list item', () => {
    const h = home({ '.turbulence/settings.yaml': SETTINGS });
    assert.equal(turbulence(h, 'settings', 'remove', 'auths.example\\.com').code, 0);
    assert.equal(turbulence(h, 'settings', 'remove', 'notifications[0]').code, 0);
    const s = JSON.parse(turbulence(h, 'settings', 'show', '--format', 'json').stdout);
    assert.deepEqual(Object.keys(s.auths), ['example.com:8443']);
    assert.deepEqual(s.notifications, [{ type: 'plugin', module: 'pkg.mod' }]);
  });
  it('exits 1 with one line and leaves the file alone when the key is missing', () => {
    const h = home({ '.turbulence/settings.yaml': SETTINGS });
    const r = turbulence(h, 'settings', 'remove', 'auths.nope');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /no settings key 'auths\.nope'/);
    assert.equal(readFileSync(own(h), 'utf8'), SETTINGS);
  });
});

describe('settings file location', () => {
  it('falls back to ~/.chaostoolkit/settings.yaml, and set writes there', () => {
    const h = home({ '.chaostoolkit/settings.yaml': 'runtime: {rollbacks: {strategy: always}}\n' });
    assert.equal(turbulence(h, 'settings', 'get', 'runtime.rollbacks.strategy').stdout, 'always\n');
    assert.equal(turbulence(h, 'settings', 'set', 'runtime.rollbacks.strategy', 'never').code, 0);
    assert.match(readFileSync(join(h, '.chaostoolkit/settings.yaml'), 'utf8'), /strategy: never/);
    assert.equal(existsSync(own(h)), false);
  });
  it('prefers ~/.turbulence/settings.yaml when both exist', () => {
    const h = home({
      '.chaostoolkit/settings.yaml': 'who: chaostoolkit\n',
      '.turbulence/settings.yaml': 'who: turbulence\n',
    });
    assert.equal(turbulence(h, 'settings', 'get', 'who').stdout, 'turbulence\n');
  });
  it('uses --settings, relative to --change-dir', () => {
    const h = home({ 'conf/s.yaml': 'who: explicit\n', '.turbulence/settings.yaml': 'who: default\n' });
    assert.equal(turbulence(h, '--change-dir', 'conf', '--settings', 's.yaml', 'settings', 'get', 'who').stdout, 'explicit\n');
    const r = turbulence(h, '--settings', 'missing.yaml', 'settings', 'show');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, new RegExp(`no settings file found at ${join(h, 'missing.yaml')}$`));
  });
  it('does not create a missing file on set or remove', () => {
    const h = home();
    for (const args of [['set', 'a', '1'], ['remove', 'a'], ['get', 'a']]) {
      const r = turbulence(h, 'settings', ...args);
      assert.equal(r.code, 1, args.join(' '));
      assertOneLineError(r.stderr, /no settings file found/);
    }
    assert.equal(existsSync(join(h, '.turbulence')), false);
  });
});

describe('malformed settings', () => {
  it('reports file:line:col on one line, exit 1', () => {
    const h = home({ '.turbulence/settings.yaml': 'runtime:\n  rollbacks: {strategy: default\nauths: 1\n' });
    const r = turbulence(h, 'settings', 'show');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assertOneLineError(r.stderr, new RegExp(`${own(h).replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
  });
  it('rejects unsafe tags', () => {
    const h = home({ '.turbulence/settings.yaml': 'x: !!python/object/apply:os.system ["echo pwned"]\n' });
    const r = turbulence(h, 'settings', 'show');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, new RegExp(`${own(h).replace(/[.]/g, '\\.')}:1:\\d+: `));
  });
  it('rejects a settings file that is not a mapping', () => {
    const h = home({ '.turbulence/settings.yaml': '- a\n- b\n' });
    const r = turbulence(h, 'settings', 'get', 'a');
    assert.equal(r.code, 1);
    assertOneLineError(r.stderr, /settings\.yaml:1:1: the settings must be a mapping, not a list/);
  });
  it('logs the error as JSON with --log-format json', () => {
    const h = home({ '.turbulence/settings.yaml': 'a: [1\n' });
    const r = turbulence(h, '--log-format', 'json', 'settings', 'show');
    assert.equal(r.code, 1);
    const line = JSON.parse(r.stderr.trim());
    assert.equal(line.level, 'error');
    assert.match(line.message, /settings\.yaml:\d+:\d+: /);
  });
});

describe('matches the reference', () => {
  assert.ok(existsSync(chaos), 'the reference venv is missing: run scripts/setup-test-peers.sh');
  const h = home({ 's.yaml': SETTINGS });
  const file = join(h, 's.yaml');
  const ref = (...a: string[]) => {
    const r = spawnSync(chaos, ['--no-version-check', '--no-log-file', '--settings', file, 'settings', ...a], { encoding: 'utf8' });
    // PyYAML ends a lone scalar with a `...` document end marker and click adds a blank line: not kept
    return { code: r.status, stdout: r.stdout.replace(/\n\.\.\.\n/, '\n').replace(/\n\n$/, '\n') };
  };
  const ours = (...a: string[]) => {
    const r = turbulence(h, '--settings', file, 'settings', ...a);
    return { code: r.code, stdout: r.stdout };
  };
  for (const args of [
    ['show', '--show-secrets'],
    ['show', '--show-secrets', '--format', 'json'],
    ['get', '--show-secrets', 'auths'],
    ['get', 'auths.example\\.com:8443.type'],
    ['get', '--format', 'json', '--show-secrets', 'notifications[0]'],
    ['get', '--format', 'json', 'runtime.rollbacks.strategy'],
    ['get', 'notifications[1]'],
    ['get', 'notifications[7]'],
    ['get', 'auths.example.com'],
  ]) {
    it(args.join(' '), () => {
      const theirs = ref(...args.filter((a) => a !== '--show-secrets'));
      assert.deepEqual(ours(...args), theirs);
    });
  }
});
