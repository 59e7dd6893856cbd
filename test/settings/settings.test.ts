import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { ChaosError } from '../../src/errors.ts';
import { loadSettings, saveSettings, settingsPath, toYaml } from '../../src/settings/settings.ts';

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-settings-unit-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const dir = () => {
  const d = join(tmp, `d${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

/** Runs FN with HOME pointed at a fresh directory holding FILES. */
function withHome<T>(files: string[], fn: (home: string) => T): T {
  const home = dir();
  for (const f of files) {
    mkdirSync(join(home, f, '..'), { recursive: true });
    writeFileSync(join(home, f), 'a: 1\n');
  }
  const saved = process.env.HOME;
  process.env.HOME = home;
  try {
    return fn(home);
  } finally {
    process.env.HOME = saved;
  }
}

describe('settingsPath', () => {
  it('resolves an explicit path against the working directory', () => {
    assert.equal(settingsPath('conf/s.yaml'), resolve('conf/s.yaml'));
    assert.equal(settingsPath('/etc/x.yaml'), '/etc/x.yaml');
  });
  it('defaults to ~/.turbulence/settings.yaml when nothing exists', () => {
    withHome([], (h) => assert.equal(settingsPath(), join(h, '.turbulence/settings.yaml')));
  });
  it('falls back to ~/.chaostoolkit/settings.yaml', () => {
    withHome(['.chaostoolkit/settings.yaml'], (h) => assert.equal(settingsPath(), join(h, '.chaostoolkit/settings.yaml')));
  });
  it('prefers ~/.turbulence/settings.yaml when both exist', () => {
    withHome(['.chaostoolkit/settings.yaml', '.turbulence/settings.yaml'], (h) =>
      assert.equal(settingsPath(), join(h, '.turbulence/settings.yaml')),
    );
  });
});

describe('loadSettings', () => {
  const file = (name: string, text: string) => {
    const p = join(dir(), name);
    writeFileSync(p, text);
    return p;
  };
  it('gives {} for a missing or empty file', async () => {
    assert.deepEqual(await loadSettings(join(tmp, 'nope.yaml')), {});
    assert.deepEqual(await loadSettings(file('s.yaml', '')), {});
    assert.deepEqual(await loadSettings(file('s.yaml', '# only a comment\n')), {});
  });
  it('reads YAML with PyYAML scalars', async () => {
    const s = await loadSettings(file('s.yaml', 'runtime:\n  rollbacks: {strategy: always}\nflag: yes\nport: 0777\n'));
    assert.deepEqual(s, { runtime: { rollbacks: { strategy: 'always' } }, flag: true, port: 511 });
  });
  it('reads a .json settings file', async () => {
    assert.deepEqual(await loadSettings(file('s.json', '{"auths": {"h": {"type": "bearer", "value": "v"}}}')), {
      auths: { h: { type: 'bearer', value: 'v' } },
    });
  });
  it('fails with file:line:col on malformed YAML', async () => {
    const p = file('s.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
    await assert.rejects(loadSettings(p), (e: Error) => e instanceof ChaosError && new RegExp(`^${p}:\\d+:\\d+: `).test(e.message));
  });
  it('rejects unsafe tags', async () => {
    const p = file('s.yaml', 'a: !!python/object/apply:os.system ["true"]\n');
    await assert.rejects(loadSettings(p), (e: Error) => e instanceof ChaosError && e.message.startsWith(`${p}:1:`));
  });
  it('rejects a document that is not a mapping', async () => {
    const p = file('s.yaml', '- a\n');
    await assert.rejects(loadSettings(p), { message: `${p}:1:1: the settings must be a mapping, not a list` });
    const q = file('s.yaml', 'just text\n');
    await assert.rejects(loadSettings(q), { message: `${q}:1:1: the settings must be a mapping, not a string` });
  });
  it('fails clearly when the path is a directory', async () => {
    const d = dir();
    await assert.rejects(loadSettings(d), (e: Error) => e instanceof ChaosError && e.message.startsWith(`cannot read the settings file ${d}`));
  });
});

describe('saveSettings', () => {
  const tricky = { strings: ['yes', 'on', 'no', '0777', '1:20', 'null', '~', '', '2001-01-01', '3.0', 'a: b', 'x\ny'] };
  it('creates the directory, writes a private file, and reads back the same settings', async () => {
    const p = join(dir(), 'new/deeper/settings.yaml');
    const settings = { runtime: { rollbacks: { strategy: 'always' } }, auths: { 'a.b:1': { type: 'bearer', value: 't' } }, ...tricky };
    await saveSettings(settings, p);
    assert.equal(statSync(p).mode & 0o777, 0o600);
    assert.deepEqual(await loadSettings(p), settings);
    assert.deepEqual(readdirSync(join(p, '..')), ['settings.yaml']);
  });
  it('keeps the mode of an existing file', async () => {
    const p = join(dir(), 'settings.yaml');
    writeFileSync(p, 'a: 1\n', { mode: 0o644 });
    await saveSettings({ a: 2 }, p);
    assert.equal(statSync(p).mode & 0o777, 0o644);
    assert.equal(readFileSync(p, 'utf8'), 'a: 2\n');
  });
  it('writes block YAML with sorted keys and unindented lists, as yaml.dump', async () => {
    assert.equal(await toYaml({ z: 1, a: { c: [1, { x: 2, b: 3 }], b: {} } }), 'a:\n  b: {}\n  c:\n  - 1\n  - b: 3\n    x: 2\nz: 1\n');
  });
});
