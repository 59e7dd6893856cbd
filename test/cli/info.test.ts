// `turbulence info core|settings|extensions` through the built binary, with HOME in a temp dir.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/turbulence.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-info-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function home(files: Record<string, string> = {}): string {
  const dir = join(tmp, `h${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
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

describe('info core', () => {
  it('gives versions, platform and the settings path as JSON', () => {
    const h = home();
    const r = turbulence(h, 'info', 'core', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      turbulence: pkg.version,
      chaoslib: '1.44.0',
      node: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      settings: { path: join(h, '.turbulence/settings.yaml'), found: false },
    });
  });
  it('reports the Chaos Toolkit settings file when it is the one in use', () => {
    const h = home({ '.chaostoolkit/settings.yaml': 'a: 1\n' });
    const info = JSON.parse(turbulence(h, 'info', 'core', '--json').stdout);
    assert.deepEqual(info.settings, { path: join(h, '.chaostoolkit/settings.yaml'), found: true });
  });
  it('prints a table', () => {
    const h = home();
    const r = turbulence(h, 'info', 'core');
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^NAME\s+VERSION$/);
    assert.ok(lines.includes(`${'Turbulence'.padEnd(20)}${pkg.version}`), r.stdout);
    assert.ok(lines.includes(`${'Core library'.padEnd(20)}1.44.0 (chaostoolkit-lib semantics)`), r.stdout);
    assert.ok(lines.includes(`${'Node.js'.padEnd(20)}${process.versions.node}`), r.stdout);
    assert.ok(lines.includes(`${'Settings'.padEnd(20)}${join(h, '.turbulence/settings.yaml')} (not found)`), r.stdout);
  });
  it('honours --settings with --change-dir', () => {
    const h = home({ 'd/s.yaml': 'a: 1\n' });
    const info = JSON.parse(turbulence(h, '--change-dir', 'd', '--settings', 's.yaml', 'info', 'core', '--json').stdout);
    assert.deepEqual(info.settings, { path: join(h, 'd/s.yaml'), found: true });
  });
});

describe('info settings', () => {
  const SETTINGS = 'auths:\n  example.com: {type: bearer, value: XYZ}\nruntime:\n  rollbacks: {strategy: always}\n';
  it('prints the settings masked', () => {
    const h = home({ '.turbulence/settings.yaml': SETTINGS });
    const r = turbulence(h, 'info', 'settings');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `# ${join(h, '.turbulence/settings.yaml')} (secrets masked)\nauths:\n  example.com:\n    type: bearer\n    value: "********"\nruntime:\n  rollbacks:\n    strategy: always\n`,
    );
  });
  it('prints JSON with the path', () => {
    const h = home({ '.turbulence/settings.yaml': SETTINGS });
    const info = JSON.parse(turbulence(h, 'info', 'settings', '--json').stdout);
    assert.deepEqual(info, {
      path: join(h, '.turbulence/settings.yaml'),
      found: true,
      settings: { auths: { 'example.com': { type: 'bearer', value: '********' } }, runtime: { rollbacks: { strategy: 'always' } } },
    });
  });
  it('says so when there is no settings file, exit 0 as chaos', () => {
    const h = home();
    const r = turbulence(h, 'info', 'settings');
    assert.deepEqual(r, { code: 0, stdout: `No settings file found at ${join(h, '.turbulence/settings.yaml')}\n`, stderr: '' });
    assert.deepEqual(JSON.parse(turbulence(h, 'info', 'settings', '--json').stdout), {
      path: join(h, '.turbulence/settings.yaml'),
      found: false,
      settings: null,
    });
  });
  it('fails on a malformed file with one line', () => {
    const h = home({ '.turbulence/settings.yaml': 'a: [1\n' });
    const r = turbulence(h, 'info', 'settings');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /settings\.yaml:\d+:\d+: /);
  });
});

describe('info extensions', () => {
  it('lists provider types, native modules and the Python bridge, the same in JSON and text', () => {
    const h = home();
    const json = turbulence(h, 'info', 'extensions', '--json');
    assert.equal(json.code, 0, json.stderr);
    const info = JSON.parse(json.stdout) as {
      providers: { type: string }[];
      native: { module: string; functions: number }[];
      python: { interpreter: string | null };
    };
    assert.deepEqual(info.providers.map((p) => p.type).sort(), ['http', 'process', 'python']);
    const modules = info.native.map((m) => m.module);
    for (const m of ['os', 'os.path', 'shutil', 'turbulence.file', 'turbulence.process']) assert.ok(modules.includes(m), m);
    for (const m of info.native) assert.ok(m.functions > 0, m.module);
    const text = turbulence(h, 'info', 'extensions').stdout;
    for (const p of info.providers) assert.match(text, new RegExp(`^${p.type}$`, 'm'));
    for (const m of info.native) assert.match(text, new RegExp(`^${m.module.replace('.', '\\.')}\\s+${m.functions}$`, 'm'));
    assert.match(text, /^Python bridge\s+\S+/m);
  });
});

it('rejects an unknown target with a usage error (exit 2)', () => {
  const r = turbulence(home(), 'info', 'nope');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope/);
});
