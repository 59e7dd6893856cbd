// `turbulence discover` through the built binary: the document has the keys and value types of the reference's
// discovery (compared with what `chaos discover --no-install turbulence-testext` writes from .peers/venv; the
// chaostoolkit-addons package exports no `discover`, so it cannot serve), and lists the native drivers' activities.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/turbulence.js');
const chaos = join(root, '.peers/venv/bin/chaos');
const dir = mkdtempSync(join(tmpdir(), 'turbulence-discover-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function exec(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
const turbulence = (args: string[]) => exec(process.execPath, [bin, '--no-log-file', ...args]);

type Doc = Record<string, unknown> & { activities: Record<string, unknown>[]; platform: Record<string, unknown>; extension: Record<string, unknown> };

/** The shape of a JSON value: its type, and for mappings the shape of each key. */
function shape(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

let reference: Doc;
before(async () => {
  const r = await exec(chaos, ['--no-version-check', '--no-log-file', 'discover', '--no-install', '--discovery-path', 'reference.json', 'turbulence-testext']);
  assert.equal(r.code, 0, r.stderr);
  reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
});

describe('turbulence discover', () => {
  it('writes ./discovery.json with the reference document shape and logs where', async () => {
    const r = await turbulence(['discover']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /INFO\] Discovery outcome saved in \.\/discovery\.json/);
    const doc = JSON.parse(readFileSync(join(dir, 'discovery.json'), 'utf8')) as Doc;
    assert.deepEqual(Object.keys(doc), Object.keys(reference));
    const expected = shape(reference) as Record<string, unknown>;
    const got = shape(doc) as Record<string, unknown>;
    // platform.python: the reference's Python version; Turbulence runs no Python here
    assert.deepEqual({ ...got, system: 'x', platform: { ...(got.platform as object), python: 'string' } }, { ...expected, system: 'x' });
    assert.equal(doc.chaoslib_version, reference.chaoslib_version);
    assert.match(doc.date as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00$/);
    assert.match(doc.id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(doc.extension.name, 'turbulence');
    // every activity has the keys and value types of the reference's activities
    const keys = new Set(reference.activities.flatMap((a) => Object.keys(a)));
    for (const a of doc.activities) {
      for (const k of Object.keys(a)) assert.ok(keys.has(k), `unexpected key ${k}`);
      assert.ok(['action', 'probe'].includes(a.type as string));
      for (const arg of a.arguments as Record<string, unknown>[]) {
        for (const k of Object.keys(arg)) assert.ok(['name', 'default', 'type'].includes(k), `unexpected argument key ${k}`);
      }
    }
    const mods = new Set(doc.activities.map((a) => a.mod));
    for (const m of ['turbulence.process', 'turbulence.file', 'os', 'os.path', 'shutil']) assert.ok(mods.has(m), m);
    // time.sleep has no signature: no python provider can call it
    assert.ok(!doc.activities.some((a) => a.mod === 'time'));
  });

  it('lists a driver: arguments in order with defaults and portable types, actions then probes', async () => {
    const r = await turbulence(['discover', 'process', '--json', '--no-system-info']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as Doc;
    assert.equal(doc.system, null);
    assert.ok(!existsSync(join(dir, 'process.json')));
    assert.deepEqual(
      doc.activities.map((a) => `${a.type} ${a.name}`),
      ['action kill_process', 'action pause_process', 'action resume_process', 'action start_process', 'probe port_listening', 'probe process_count', 'probe process_running'],
    );
    const kill = doc.activities[0]!;
    assert.equal(kill.mod, 'turbulence.process');
    assert.equal(kill.return_type, 'mapping');
    assert.deepEqual(kill.arguments, [
      { name: 'pid', default: null, type: 'object' },
      { name: 'name', default: null, type: 'string' },
      { name: 'pattern', default: null, type: 'string' },
      { name: 'port', default: null, type: 'integer' },
      { name: 'signal', default: 'SIGTERM', type: 'string' },
      // blast radius (src/drivers/targets.ts)
      { name: 'mode', default: 'all', type: 'string' },
      { name: 'quantity', default: null, type: 'integer' },
      { name: 'seed', default: null, type: 'object' },
      { name: 'allow', default: null, type: 'list' },
      { name: 'deny', default: null, type: 'list' },
    ]);
    const listening = doc.activities.find((a) => a.name === 'port_listening')!;
    assert.deepEqual(listening.arguments, [{ name: 'port', type: 'integer' }]);
    assert.equal(listening.return_type, 'boolean');
  });

  it('writes to --discovery-path; an unknown driver exits 1 naming the known ones', async () => {
    const r = await turbulence(['discover', 'file', 'os.path', '--discovery-path', 'file.json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(dir, 'file.json'), 'utf8')) as Doc;
    assert.deepEqual([...new Set(doc.activities.map((a) => a.mod))], ['os.path', 'turbulence.file']);
    const corrupt = doc.activities.find((a) => a.name === 'corrupt_file')!;
    assert.deepEqual(corrupt.arguments, [
      { name: 'path', type: 'string' },
      { name: 'offset', default: 0, type: 'integer' },
      { name: 'bytes', default: 1, type: 'integer' },
    ]);
    const bad = await turbulence(['discover', 'nosuch']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown driver 'nosuch' \(known: process, file, /);
  });
});

describe('turbulence discover --python', () => {
  it("gives an installed extension's own discovery, as `chaos discover --no-install` does", async () => {
    const r = await exec(process.execPath, [bin, '--no-log-file', 'discover', '--python', 'turbulence-testext', '--discovery-path', 'python.json'], {
      TURBULENCE_PYTHON: join(root, '.peers/venv/bin/python'),
    });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(dir, 'python.json'), 'utf8')) as Doc;
    assert.deepEqual(Object.keys(doc), Object.keys(reference));
    assert.deepEqual(doc.extension, reference.extension);
    assert.deepEqual(doc.activities, reference.activities);
  });

  it('a missing package or interpreter is one clear line, exit 1', async () => {
    const env = { TURBULENCE_PYTHON: join(root, '.peers/venv/bin/python') };
    const missing = await exec(process.execPath, [bin, '--no-log-file', 'discover', '--python', 'no-such-distribution'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Package no-such-distribution not found/);
    const noPython = await exec(process.execPath, [bin, '--no-log-file', 'discover', '--python', 'turbulence-testext'], { TURBULENCE_PYTHON: join(dir, 'no-python-here') });
    assert.equal(noPython.code, 1);
    assert.equal(noPython.stderr.trim().split('\n').length, 1, noPython.stderr);
  });
});
