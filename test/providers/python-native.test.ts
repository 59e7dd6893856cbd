// The native module map of the python provider against the real thing: every standard-library function runs the same
// calls as CPython does through chaoslib's run_python_activity (.peers/venv), each in a fresh copy of a fixture tree,
// and must return or fail with the same text and leave the same files; argument binding is compared with
// validate_python_activity; the configuration/secrets parameter rules and substitution with a Python module of the
// same signatures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ActivityFailed, ChaosError } from '../../src/errors.ts';
import type { Activity, Configuration, Secrets } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { PythonException, strerror } from '../../src/providers/python/exceptions.ts';
import { findNative, isNativeModule, listNatives, registerNative } from '../../src/providers/python/native.ts';
import { getProvider } from '../../src/providers/registry.ts';

const PYTHON = fileURLToPath(new URL('../../.peers/venv/bin/python', import.meta.url));
assert.ok(fs.existsSync(PYTHON), 'the reference venv is missing: run scripts/setup-test-peers.sh');
const provider = getProvider('python')!;
const tmp = fs.mkdtempSync(join(tmpdir(), 'turbulence-python-native-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// A second file system for moves across devices (shutil.move falls back to copying): /dev/shm, or where it is the
// same file system as the temp dir, a small tmpfs mounted for the test (the suite runs as root).
const SHM = '/dev/shm';
let mounted: string | null = null;
const shmRoot = (() => {
  if (fs.existsSync(SHM) && fs.statSync(SHM).dev !== fs.statSync(tmp).dev) return fs.mkdtempSync(join(SHM, 'turbulence-python-native-'));
  mounted = fs.mkdtempSync(join(tmp, '..', 'turbulence-python-native-fs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mounted]);
  return mounted;
})();
after(() => {
  fs.rmSync(shmRoot, { recursive: true, force: true });
  if (mounted) {
    execFileSync('umount', [mounted]);
    fs.rmSync(mounted, { recursive: true, force: true });
  }
});

interface Case {
  module: string;
  func: string;
  arguments?: Record<string, unknown>;
  /** a `shm` link in the case directory points to a directory on another file system */
  shm?: boolean;
  configuration?: Configuration;
  secrets?: Secrets;
  /** provider secrets */
  scopes?: unknown;
}

type Outcome = { ok: unknown } | { failed: string } | { abort: string };

function activity(c: Case): Activity {
  const p: Record<string, unknown> = { type: 'python', module: c.module, func: c.func };
  if (c.arguments !== undefined) p.arguments = c.arguments;
  if (c.scopes !== undefined) p.secrets = c.scopes;
  return { type: 'action', name: 'act', provider: p } as unknown as Activity;
}

/** chaoslib's run_python_activity on each case, in its directory, in one python process. */
function reference(cases: (Case & { dir?: string })[], env: NodeJS.ProcessEnv = process.env): Outcome[] {
  const script = `
import json, os, sys, logging
logging.getLogger("chaostoolkit").disabled = True
from chaoslib.provider.python import run_python_activity
from chaoslib.exceptions import ActivityFailed
out = []
for c in json.load(sys.stdin):
    if c.get("dir"): os.chdir(c["dir"])
    p = {"type": "python", "module": c["module"], "func": c["func"]}
    if "arguments" in c: p["arguments"] = c["arguments"]
    if "scopes" in c: p["secrets"] = c["scopes"]
    try:
        out.append({"ok": run_python_activity({"type": "action", "name": "act", "provider": p}, c.get("configuration") or {}, c.get("secrets") or {})})
    except ActivityFailed as e:
        out.append({"failed": str(e)})
    except Exception as e:
        out.append({"abort": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(cases), env, encoding: 'utf8' }));
}

async function ours(c: Case): Promise<Outcome> {
  try {
    return { ok: await provider.run(activity(c), { configuration: c.configuration ?? {}, secrets: c.secrets ?? {} }) };
  } catch (e) {
    if (e instanceof ActivityFailed) return { failed: e.message };
    if (e instanceof ChaosError) return { abort: e.message };
    throw e;
  }
}

// ---- the fixture tree ------------------------------------------------------------------------------------------

const FIXED = new Date('2020-01-01T00:00:00Z');

function fixture(dir: string, shm: string | null): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string, content: string, mode = 0o644) => {
    fs.writeFileSync(join(dir, name), content);
    fs.chmodSync(join(dir, name), mode);
  };
  file('exchange.dat', '1.0\n');
  file('empty.txt', '');
  file('ro.txt', 'read only', 0o444);
  file('exec.sh', '#!/bin/sh\n', 0o755);
  fs.mkdirSync(join(dir, 'dir/sub'), { recursive: true });
  file('dir/a.txt', 'a');
  file('dir/sub/b.txt', 'bb');
  fs.symlinkSync('../exchange.dat', join(dir, 'dir/link-up'));
  fs.mkdirSync(join(dir, 'emptydir'));
  fs.mkdirSync(join(dir, 'bytes'));
  fs.writeFileSync(Buffer.from(`${dir}/bytes/caf\xe9`, 'latin1'), 'latin-1 name');
  fs.symlinkSync('exchange.dat', join(dir, 'link-file'));
  fs.symlinkSync('dir', join(dir, 'link-dir'));
  fs.symlinkSync('nowhere', join(dir, 'dangling'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  if (shm) {
    fs.mkdirSync(shm, { recursive: true });
    fs.symlinkSync(shm, join(dir, 'shm'));
  }
  for (const f of ['exchange.dat', 'empty.txt', 'ro.txt', 'exec.sh', 'dir/a.txt', 'dir/sub/b.txt']) fs.utimesSync(join(dir, f), FIXED, FIXED);
}

/** What a tree holds: types, modes, contents, link targets; files keep the fixture's mtime or get a new one. */
function snapshot(dir: string, shm: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (abs: Buffer, rel: string) => {
    for (const name of (fs.readdirSync(abs, { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare)) {
      const path = Buffer.concat([abs, Buffer.from('/'), name]);
      const key = `${rel}${name.toString('latin1')}`;
      const st = fs.lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) {
        const target = fs.readlinkSync(path, 'latin1');
        out[key] = { link: shm && target.startsWith(shm) ? `<shm>${target.slice(shm.length)}` : target };
      } else if (st.isDirectory()) {
        out[key] = { dir: mode };
        walk(path, `${key}/`);
      } else if (st.isFile()) {
        out[key] = { file: mode, content: fs.readFileSync(path, 'latin1'), mtime: st.mtimeMs === FIXED.getTime() ? 'fixture' : 'new' };
      } else {
        out[key] = { other: mode, fifo: st.isFIFO() };
      }
    }
  };
  walk(Buffer.from(dir), '');
  if (shm) walk(Buffer.from(shm), '<shm>/');
  return out;
}

// ---- the differential table ------------------------------------------------------------------------------------

const c = (module: string, func: string, args?: Record<string, unknown>, extra: Partial<Case> = {}): Case => ({
  module,
  func,
  ...(args === undefined ? {} : { arguments: args }),
  ...extra,
});

const CALLS: Case[] = [
  // os.rename / os.replace
  c('os', 'rename', { src: './exchange.dat', dst: './exchange.dat.old' }),
  c('os', 'rename', { src: 'missing', dst: 'x' }),
  c('os', 'rename', { src: 'dir', dst: 'emptydir' }),
  c('os', 'rename', { src: 'dir', dst: 'exchange.dat' }),
  c('os', 'rename', { src: 'exchange.dat', dst: 'dir' }),
  c('os', 'rename', { src: 'emptydir', dst: 'dir' }),
  c('os', 'rename', { src: 'dir', dst: 'dir/sub/x' }),
  c('os', 'rename', { src: 'exchange.dat', dst: 'nodir/x' }),
  c('os', 'rename', { src: 'link-file', dst: 'renamed-link' }),
  c('os', 'rename', { src: 'bytes/caf\udce9', dst: 'bytes/cafe' }),
  c('os', 'rename', { src: null, dst: 'x' }),
  c('os', 'rename', { src: 'exchange.dat', dst: 7 }),
  c('os', 'rename', { src: 'a\u0000b', dst: 'x' }),
  c('os', 'rename', { src: '\ud800', dst: 'x' }),
  c('os', 'rename', { src: 'x\udc80\ud800\ud801y', dst: 'x' }),
  c('os', 'rename', { src: 'exchange.dat', dst: 'x', src_dir_fd: 'a' }),
  c('os', 'rename', { src: 'exchange.dat', dst: 'x', dst_dir_fd: 2 ** 40 }),
  c('os', 'rename', { src: 'exchange.dat', dst: 'x', src_dir_fd: null, dst_dir_fd: null }),
  c('os', 'rename', {}),
  c('os', 'rename'),
  c('os', 'rename', { dst: 'x' }),
  c('os', 'rename', { src: 'exchange.dat', dst: 'x', extra: 1 }),
  c('os', 'replace', { src: 'exchange.dat', dst: 'empty.txt' }),
  c('os', 'replace', { src: 'missing', dst: 'y' }),
  c('os', 'replace', { src: 1.5, dst: 'y' }),
  // os.remove / os.unlink
  c('os', 'remove', { path: 'exchange.dat' }),
  c('os', 'remove', { path: 'dir' }),
  c('os', 'remove', { path: 'missing' }),
  c('os', 'remove', { path: 3 }),
  c('os', 'remove', { path: 'link-dir' }),
  c('os', 'remove', { path: 'dangling' }),
  c('os', 'unlink', { path: 'empty.txt' }),
  c('os', 'unlink', { path: null }),
  c('os', 'unlink', { path: 'empty.txt', dir_fd: '1' }),
  c('os', 'unlink', { path: 'dir/sub/b.txt' }),
  // os.mkdir / os.makedirs / os.rmdir
  c('os', 'mkdir', { path: 'new' }),
  c('os', 'mkdir', { path: 'new', mode: 0o700 }),
  c('os', 'mkdir', { path: 'new', mode: -1 }),
  c('os', 'mkdir', { path: 'new', mode: true }),
  c('os', 'mkdir', { path: 'dir' }),
  c('os', 'mkdir', { path: 'nodir/x' }),
  c('os', 'mkdir', { path: 'exchange.dat/x' }),
  c('os', 'mkdir', { path: 'new', mode: 'x' }),
  c('os', 'mkdir', { path: 'new', mode: 1.5 }),
  c('os', 'mkdir', { path: 'new', mode: null }),
  c('os', 'mkdir', { path: 'new', mode: 2 ** 31 }),
  c('os', 'mkdir', { path: 'new', mode: -(2 ** 31) - 1 }),
  c('os', 'makedirs', { name: 'a/b/c' }),
  c('os', 'makedirs', { name: 'a/b/c/', exist_ok: true }),
  c('os', 'makedirs', { name: 'x/y', mode: 0o700 }),
  c('os', 'makedirs', { name: 'dir' }),
  c('os', 'makedirs', { name: 'dir', exist_ok: true }),
  c('os', 'makedirs', { name: 'dir', exist_ok: 'yes' }),
  c('os', 'makedirs', { name: 'dir/sub', exist_ok: 0 }),
  c('os', 'makedirs', { name: 'exchange.dat', exist_ok: true }),
  c('os', 'makedirs', { name: 'exchange.dat/x' }),
  c('os', 'makedirs', { name: 'dangling/x' }),
  c('os', 'makedirs', { name: 'dir/./new/.' }),
  c('os', 'makedirs', { name: '' }),
  c('os', 'makedirs', { name: null }),
  c('os', 'makedirs', { name: 5 }),
  c('os', 'makedirs', { name: 'm', mode: 'x' }),
  c('os', 'makedirs', {}),
  c('os', 'makedirs', { name: 'x', foo: 1 }),
  c('os', 'rmdir', { path: 'emptydir' }),
  c('os', 'rmdir', { path: 'dir' }),
  c('os', 'rmdir', { path: 'exchange.dat' }),
  c('os', 'rmdir', { path: 'missing' }),
  c('os', 'rmdir', { path: 'link-dir' }),
  c('os', 'rmdir', { path: 'emptydir', dir_fd: null }),
  // os.path
  ...['exchange.dat', 'missing', 'dir', 'dangling', 'link-dir', 'fifo', '', 'a\u0000', '\ud800', 'bytes/caf\udce9', null, 2 ** 40, -(2 ** 40), 1.5, [], {}].map(
    (path) => c('os.path', 'exists', { path }),
  ),
  ...['exchange.dat', 'dangling', 'missing', 'a\u0000'].map((path) => c('os.path', 'lexists', { path })),
  ...['exchange.dat', 'dir', 'link-file', 'fifo', 'missing'].map((path) => c('os.path', 'isfile', { path })),
  ...['dir', 'link-dir', 'exchange.dat', 'missing'].map((s) => c('os.path', 'isdir', { s })),
  c('os.path', 'isdir', { path: 'dir' }),
  ...['link-file', 'exchange.dat', 'dangling', null, 3].map((path) => c('os.path', 'islink', { path })),
  ...['exchange.dat', 'empty.txt', 'link-file', 'missing', 'a\u0000', null].map((filename) => c('os.path', 'getsize', { filename })),
  c('os.path', 'getsize', {}),
  // shutil.copyfile / shutil.copy
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'copy.dat' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'empty.txt' }),
  c('shutil', 'copyfile', { src: 'ro.txt', dst: 'ro-copy' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'exchange.dat' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'link-file' }),
  c('shutil', 'copyfile', { src: 'dir', dst: 'x' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'dir' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'newdir/' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'nodir/x' }),
  c('shutil', 'copyfile', { src: 'fifo', dst: 'x' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: 'fifo' }),
  c('shutil', 'copyfile', { src: 'missing', dst: 'x' }),
  c('shutil', 'copyfile', { src: 'link-file', dst: 'x', follow_symlinks: false }),
  c('shutil', 'copyfile', { src: 'link-file', dst: 'x', follow_symlinks: 1 }),
  c('shutil', 'copyfile', { src: 'link-file', dst: 'dangling', follow_symlinks: false }),
  c('shutil', 'copyfile', { src: null, dst: 'x' }),
  c('shutil', 'copyfile', { src: 'exchange.dat', dst: null }),
  c('shutil', 'copyfile', { src: 'missing', dst: null }),
  c('shutil', 'copyfile', { src: 'a\u0000', dst: 'x' }),
  c('shutil', 'copy', { src: 'exchange.dat', dst: 'dir' }),
  c('shutil', 'copy', { src: 'ro.txt', dst: 'ro-copy' }),
  c('shutil', 'copy', { src: 'exec.sh', dst: 'dir/' }),
  c('shutil', 'copy', { src: 'exchange.dat', dst: '.' }),
  c('shutil', 'copy', { src: 'exchange.dat', dst: 'link-dir' }),
  c('shutil', 'copy', { src: 'link-file', dst: 'lcopy', follow_symlinks: false }),
  c('shutil', 'copy', { src: 'dir', dst: 'x' }),
  c('shutil', 'copy', { src: null, dst: 'dir' }),
  c('shutil', 'copy', { src: 'exchange.dat' }),
  c('shutil', 'copy', {}),
  c('shutil', 'copy', { src: 'a', dst: 'b', follow: true }),
  // shutil.move
  c('shutil', 'move', { src: 'exchange.dat', dst: 'moved.dat' }),
  c('shutil', 'move', { src: 'exchange.dat', dst: 'dir' }),
  c('shutil', 'move', { src: 'exchange.dat', dst: '.' }),
  c('shutil', 'move', { src: 'dir', dst: 'dir' }),
  c('shutil', 'move', { src: 'dir', dst: 'dir/sub/x' }),
  c('shutil', 'move', { src: 'dir', dst: 'emptydir' }),
  c('shutil', 'move', { src: 'dir/', dst: 'emptydir' }),
  c('shutil', 'move', { src: 'missing', dst: 'x' }),
  c('shutil', 'move', { src: 'missing', dst: 'x', copy_function: 'nope' }),
  c('shutil', 'move', { src: 'exchange.dat', dst: 'nodir/x' }),
  c('shutil', 'move', { src: 'link-dir', dst: 'moved-link' }),
  c('shutil', 'move', { src: null, dst: 'x' }),
  c('shutil', 'move', { src: 'exchange.dat', dst: 'x', copy_function: null }),
  // shutil.rmtree
  c('shutil', 'rmtree', { path: 'dir' }),
  c('shutil', 'rmtree', { path: 'bytes' }),
  c('shutil', 'rmtree', { path: 'emptydir' }),
  c('shutil', 'rmtree', { path: 'missing' }),
  c('shutil', 'rmtree', { path: 'missing', ignore_errors: true }),
  c('shutil', 'rmtree', { path: 'exchange.dat' }),
  c('shutil', 'rmtree', { path: 'exchange.dat', ignore_errors: 1 }),
  c('shutil', 'rmtree', { path: 'link-dir' }),
  c('shutil', 'rmtree', { path: 'link-dir', ignore_errors: true }),
  c('shutil', 'rmtree', { path: null }),
  c('shutil', 'rmtree', { path: null, ignore_errors: true }),
  c('shutil', 'rmtree', { path: 'missing', onerror: 'x' }),
  c('shutil', 'rmtree', { path: 'dir', onerror: null }),
  c('shutil', 'rmtree', { path: 'dir', dir_fd: 'x' }),
  c('shutil', 'rmtree', { path: '.' }),
  // time.sleep: Python gives it no signature, so chaoslib cannot call it at all
  c('time', 'sleep', { secs: 0 }),
];

// moves across file systems: rename fails with EXDEV and shutil.move copies (copy2, copytree) then deletes
const ACROSS: Case[] = [
  c('shutil', 'move', { src: 'exchange.dat', dst: 'shm' }, { shm: true }),
  c('shutil', 'move', { src: 'exchange.dat', dst: 'shm/renamed.dat' }, { shm: true }),
  c('shutil', 'move', { src: 'dir', dst: 'shm' }, { shm: true }),
  c('shutil', 'move', { src: 'bytes', dst: 'shm/b' }, { shm: true }),
  c('shutil', 'move', { src: 'link-file', dst: 'shm/l' }, { shm: true }),
  c('shutil', 'move', { src: 'ro.txt', dst: 'shm' }, { shm: true }),
  c('shutil', 'move', { src: 'dir', dst: 'shm', copy_function: 'x' }, { shm: true }),
  c('os', 'rename', { src: 'exchange.dat', dst: 'shm/x' }, { shm: true }),
];

describe('stdlib functions against CPython through run_python_activity', () => {
  const compare = async (cases: Case[], label: string) => {
    const dirs = cases.map((k, i) => ({
      py: join(tmp, `${label}-py-${i}`),
      ts: join(tmp, `${label}-ts-${i}`),
      pyShm: k.shm ? join(shmRoot, `${label}-py-${i}`) : null,
      tsShm: k.shm ? join(shmRoot, `${label}-ts-${i}`) : null,
    }));
    dirs.forEach((d) => {
      fixture(d.py, d.pyShm);
      fixture(d.ts, d.tsShm);
    });
    const expected = reference(cases.map((k, i) => ({ ...k, dir: dirs[i]!.py })));
    const cwd = process.cwd();
    const mismatches: string[] = [];
    try {
      for (let i = 0; i < cases.length; i++) {
        process.chdir(dirs[i]!.ts);
        const got = await ours(cases[i]!);
        process.chdir(cwd);
        const want = expected[i]!;
        const label = `${cases[i]!.module}.${cases[i]!.func}(${JSON.stringify(cases[i]!.arguments)})`;
        if ('abort' in want && 'abort' in got) {
          // the reference crashes outside the activity; we stop the run with a message of our own
          if (!got.abort.includes(want.abort)) mismatches.push(`${label}: abort ${JSON.stringify(got.abort)} does not mention ${JSON.stringify(want.abort)}`);
        } else if (JSON.stringify(got) !== JSON.stringify(want)) {
          mismatches.push(`${label}: reference ${JSON.stringify(want)}, turbulence ${JSON.stringify(got)}`);
        }
        const treePy = snapshot(dirs[i]!.py, dirs[i]!.pyShm);
        const treeTs = snapshot(dirs[i]!.ts, dirs[i]!.tsShm);
        const keys = [...new Set([...Object.keys(treePy), ...Object.keys(treeTs)])].sort();
        for (const k of keys) {
          if (JSON.stringify(treePy[k]) !== JSON.stringify(treeTs[k])) {
            mismatches.push(`${label}: file ${k}: reference ${JSON.stringify(treePy[k])}, turbulence ${JSON.stringify(treeTs[k])}`);
          }
        }
      }
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(mismatches, []);
    return expected;
  };

  it(`${CALLS.length} calls return, fail and change files as CPython's`, async () => {
    const expected = await compare(CALLS, 'call');
    // the table exercises all three outcomes
    assert.ok(expected.some((o) => 'ok' in o) && expected.some((o) => 'failed' in o) && expected.some((o) => 'abort' in o));
  });

  it('moves across file systems as CPython (copy, then delete)', async () => {
    const expected = await compare(ACROSS, 'across');
    assert.deepEqual(expected.at(-1), { failed: "OSError: [Errno 18] Invalid cross-device link: 'exchange.dat' -> 'shm/x'" });
  });

  it('file descriptors (ints for paths) stop the run with a clear message instead of acting on ours', async () => {
    for (const args of [{ path: 3 }, { path: true }]) {
      const got = await ours(c('os.path', 'exists', args));
      assert.ok('abort' in got && /does not act on Python file descriptors \(path=(3|True)\)/.test(got.abort), JSON.stringify(got));
    }
    const got = await ours(c('os', 'rename', { src: 'a', dst: 'b', src_dir_fd: 3 }));
    assert.ok('abort' in got && got.abort.includes('src_dir_fd=3'), JSON.stringify(got));
  });

  it('strerror texts are glibc\'s', () => {
    const errnos = Array.from({ length: 130 }, (_, i) => i + 1).filter((n) => !strerror(n).startsWith('Unknown'));
    const python = JSON.parse(execFileSync(PYTHON, ['-c', `import os, json, sys; print(json.dumps([os.strerror(n) for n in json.load(sys.stdin)]))`], { input: JSON.stringify(errnos), encoding: 'utf8' }));
    assert.deepEqual(errnos.map(strerror), python);
  });
});

// ---- signatures and validation -----------------------------------------------------------------------------------

describe('signatures and validate_python_activity', () => {
  it('every native stdlib function has CPython\'s parameters: names, kinds, defaults', async () => {
    const natives = (await listNatives()).filter((d) => ['os', 'os.path', 'shutil'].includes(d.module));
    assert.ok(natives.length >= 15);
    const python = JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          `
import importlib, inspect, json, sys
out = []
for m, f in json.load(sys.stdin):
    fn = getattr(importlib.import_module(m), f)
    params = []
    for p in inspect.signature(fn).parameters.values():
        d = {"name": p.name, "required": p.default is p.empty}
        if p.default is not p.empty and (p.default is None or isinstance(p.default, (bool, int, str))): d["default"] = p.default
        if p.kind == p.KEYWORD_ONLY: d["kind"] = "keyword_only"
        if p.kind == p.VAR_KEYWORD: d["kind"] = "var_keyword"
        params.append(d)
    out.append({"module": m, "func": f, "builtin": inspect.isbuiltin(fn), "parameters": params})
print(json.dumps(out))
`,
        ],
        { input: JSON.stringify(natives.map((d) => [d.module, d.func])), encoding: 'utf8' },
      ),
    );
    const mine = natives.map((d) => ({
      module: d.module,
      func: d.func,
      builtin: d.builtin ?? false,
      parameters: d.parameters!.map(({ name, required, default: value, kind }) => ({
        name,
        required,
        ...(value === undefined ? {} : { default: value }),
        ...(kind ? { kind } : {}),
      })),
    }));
    assert.deepEqual(mine, python);
  });

  it('the native map loads on first use and says which modules it knows', async () => {
    assert.ok(isNativeModule('os') && isNativeModule('os.path') && isNativeModule('shutil') && isNativeModule('time'));
    assert.ok(!isNativeModule('chaosaws.ec2.actions'));
    assert.equal((await findNative('os', 'rename'))?.doc, 'Rename a file or directory.');
    assert.equal(await findNative('os', 'chown'), undefined);
  });

  const VALIDATIONS: { module: string; func: string; arguments?: unknown; type?: string; name?: string }[] = [
    { module: 'os', func: 'rename', arguments: {} },
    { module: 'os', func: 'rename' },
    { module: 'os', func: 'rename', arguments: { src: 'a' } },
    { module: 'os', func: 'rename', arguments: { dst: 'a' } },
    { module: 'os', func: 'rename', arguments: { src: 'a', dst: 'b' } },
    { module: 'os', func: 'rename', arguments: { src: 'a', dst: 'b', src_dir_fd: null } },
    { module: 'os', func: 'rename', arguments: { src: 'a', dst: 'b', extra: 1 } },
    { module: 'os', func: 'rename', arguments: { src: 'a', dst: 'b', 'my arg': 1 } },
    { module: 'os', func: 'rename', arguments: { src: 'a', dst: 'b', 'x:missing': 1 } },
    { module: 'os', func: 'rename', arguments: { src: 'a', extra: 1 } },
    { module: 'os', func: 'rename', arguments: { src: 'a', dst: 'b', secrets: 1 } },
    { module: 'os', func: 'makedirs', arguments: { name: 'a', foo: 1 }, type: 'probe', name: 'make' },
    { module: 'os', func: 'makedirs', arguments: { name: 'a', exist_ok: true, mode: 1 } },
    { module: 'os.path', func: 'exists', arguments: {} },
    { module: 'os.path', func: 'exists', arguments: { path: 'x' } },
    { module: 'os.path', func: 'isdir', arguments: { path: 'x' } },
    { module: 'os.path', func: 'getsize', arguments: { filename: 'x', configuration: {} } },
    { module: 'shutil', func: 'move', arguments: { src: 'a', dst: 'b', copy_function: 'x' } },
    { module: 'shutil', func: 'rmtree', arguments: { path: 'a', onerror: null, dir_fd: null, ignore_errors: 1 } },
    { module: 'shutil', func: 'copy', arguments: { dst: 'b' } },
    { module: 'shutil', func: 'copyfile', arguments: { src: 'a', dst: 'b', follow_symlinks: false, x: 1 } },
    { module: 'echo_mod', func: 'echo', arguments: {} },
    { module: 'echo_mod', func: 'echo', arguments: { a: 1 } },
    { module: 'echo_mod', func: 'echo', arguments: { a: 1, configuration: 1, secrets: 2 } },
    { module: 'echo_mod', func: 'needs_secrets', arguments: {} },
    { module: 'echo_mod', func: 'needs_configuration', arguments: {} },
    { module: 'echo_mod', func: 'required4', arguments: { a: 1, b: 2, c: 3 } },
    { module: 'echo_mod', func: 'required4', arguments: { a: 1, b: 2, c: 3, d: 4 } },
    { module: 'echo_mod', func: 'rest', arguments: { a: 1, anything: 2, secrets: 3 } },
    { module: 'echo_mod', func: 'rest', arguments: { anything: 2 } },
  ];

  it('argument binding gives validate_python_activity\'s messages (the activity named after the function)', async () => {
    const acts = VALIDATIONS.map((v) => ({
      type: v.type ?? 'action',
      name: v.name ?? 'act',
      provider: { type: 'python', module: v.module, func: v.func, ...(v.arguments === undefined ? {} : { arguments: v.arguments }) },
    }));
    const script = `
import json, sys
from chaoslib.provider.python import validate_python_activity
from chaoslib.exceptions import InvalidActivity
out = []
for a in json.load(sys.stdin):
    try:
        validate_python_activity(a)
        out.append({"ok": True})
    except InvalidActivity as e:
        out.append({"invalid": str(e)})
    except Exception as e:
        out.append({"crash": type(e).__name__ + ": " + str(e)})
print(json.dumps(out))
`;
    const expected = JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(acts), env: echoEnv(), encoding: 'utf8' }));
    const mismatches: string[] = [];
    for (let i = 0; i < acts.length; i++) {
      const problems = await provider.validate!(acts[i] as unknown as Activity, ['method', 0]);
      const want = expected[i];
      const label = JSON.stringify(VALIDATIONS[i]);
      if ('crash' in want) {
        // the reference crashes (an IndexError on its own message); we report the problem it ran into
        if (problems.length !== 1) mismatches.push(`${label}: reference crashed (${want.crash}), we gave ${JSON.stringify(problems)}`);
      } else {
        const got = problems.length === 0 ? { ok: true } : { invalid: problems.map((p) => p.message).join('\n') };
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${label}: reference ${JSON.stringify(want)}, turbulence ${JSON.stringify(got)}`);
      }
    }
    assert.deepEqual(mismatches, []);
    assert.ok(expected.filter((e: object) => 'invalid' in e).length >= 10);
  });

  it('problems point into the provider', async () => {
    const act = (args: unknown) => ({ type: 'action', name: 'a', provider: { type: 'python', module: 'os', func: 'rename', arguments: args } }) as unknown as Activity;
    assert.deepEqual(await provider.validate!(act({ src: 'a' }), ['method', 2]), [
      { message: "required argument 'dst' is missing from activity 'rename'", path: ['method', 2, 'provider', 'arguments'] },
    ]);
    const sleep = { type: 'action', name: 'nap', provider: { type: 'python', module: 'time', func: 'sleep', arguments: { secs: 1 } } } as unknown as Activity;
    const [problem] = await provider.validate!(sleep, ['method', 0]);
    assert.match(problem!.message, /time\.sleep takes no keyword arguments.*ValueError: no signature found for builtin <built-in function sleep>\) in activity 'nap'/);
  });

  it('module and function presence, with the reference\'s messages', async () => {
    const act = (p: Record<string, unknown>) => ({ type: 'action', name: 'a', provider: { type: 'python', ...p } }) as unknown as Activity;
    assert.deepEqual(await provider.validate!(act({ func: 'f' }), []), [{ message: 'a Python activity must have a module path', path: ['provider'] }]);
    assert.deepEqual(await provider.validate!(act({ module: 'os', func: '' }), []), [{ message: 'a Python activity must have a function name', path: ['provider'] }]);
  });
});

// ---- configuration, secrets, substitution, exceptions: a Python module and its native twin ---------------------

const ECHO_MODULE = `
from chaoslib.exceptions import ActivityFailed

def echo(a, b=2, *, c=None, configuration=None, secrets=None):
    return {"a": a, "b": b, "c": c, "configuration": configuration, "secrets": secrets}

def needs_secrets(secrets, x=1):
    return {"secrets": secrets, "x": x}

def needs_configuration(configuration):
    return configuration

def rest(a, **kwargs):
    return {"a": a, "kwargs": kwargs}

def required4(a, b, c, *, d):
    return [a, b, c, d]

def fail(kind, message=""):
    if kind == "value": raise ValueError(message)
    if kind == "activity": raise ActivityFailed(message)
    if kind == "key": raise KeyError(message)
    if kind == "missing": raise FileNotFoundError(2, "No such file or directory", message)
    if kind == "plain": raise OSError(message)
    return None
`;

const echoDir = join(tmp, 'echo');
function echoEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: echoDir };
}

const M = 'echo_mod';
const P = (name: string, extra: Partial<{ required: boolean; default: unknown; kind: 'keyword_only' | 'var_keyword' }> = {}) => ({ name, required: true, ...extra });
before(() => {
  fs.mkdirSync(echoDir, { recursive: true });
  fs.writeFileSync(join(echoDir, `${M}.py`), ECHO_MODULE);
  registerNative({
    module: M,
    func: 'echo',
    doc: '',
    parameters: [
      P('a'),
      P('b', { required: false, default: 2 }),
      P('c', { required: false, default: null, kind: 'keyword_only' }),
      P('configuration', { required: false, default: null, kind: 'keyword_only' }),
      P('secrets', { required: false, default: null, kind: 'keyword_only' }),
    ],
    run: ({ a, b, c, configuration, secrets }) => ({ a, b, c, configuration, secrets }),
  });
  registerNative({ module: M, func: 'needs_secrets', doc: '', parameters: [P('secrets'), P('x', { required: false, default: 1 })], run: ({ secrets, x }) => ({ secrets, x }) });
  registerNative({ module: M, func: 'needs_configuration', doc: '', parameters: [P('configuration')], run: ({ configuration }) => configuration });
  registerNative({ module: M, func: 'rest', doc: '', parameters: [P('a'), P('kwargs', { required: false, kind: 'var_keyword' })], run: ({ a, kwargs }) => ({ a, kwargs }) });
  registerNative({ module: M, func: 'required4', doc: '', parameters: [P('a'), P('b'), P('c'), P('d', { kind: 'keyword_only' })], run: ({ a, b, c, d }) => [a, b, c, d] });
  registerNative({
    module: M,
    func: 'fail',
    doc: '',
    parameters: [P('kind'), P('message', { required: false, default: '' })],
    run: ({ kind, message }) => {
      const m = String(message);
      if (kind === 'value') throw new PythonException('ValueError', m);
      if (kind === 'activity') throw new PythonException('chaoslib.exceptions.ActivityFailed', m);
      if (kind === 'key') throw new PythonException('KeyError', `'${m}'`);
      if (kind === 'missing') throw new PythonException('FileNotFoundError', `[Errno 2] No such file or directory: '${m}'`);
      if (kind === 'plain') throw new PythonException('OSError', m);
      return null;
    },
  });
});

describe('configuration and secrets parameters, substitution and exceptions, as run_python_activity', () => {
  const configuration = { host: 'example.org', port: 8080, nested: { k: [1, 2] } };
  const secrets: Secrets = { s1: { token: 't1', shared: 'from s1' }, s2: { key: 'k2', shared: 'from s2' } };
  const e = (func: string, args: Record<string, unknown> | undefined, extra: Partial<Case> = {}): Case => c(M, func, args, { configuration, secrets, ...extra });

  const RUNS: Case[] = [
    // `configuration` receives the whole configuration, whatever the arguments say
    e('echo', { a: 1 }),
    e('echo', { a: 1, configuration: 'overridden' }),
    e('needs_configuration', {}),
    e('needs_configuration', {}, { configuration: {} }),
    // `secrets`: a flat merge of the listed scopes, only when the provider lists some
    e('echo', { a: 1 }, { scopes: ['s1'] }),
    e('echo', { a: 1 }, { scopes: ['s1', 's2'] }),
    e('echo', { a: 1 }, { scopes: ['s2', 's1'] }),
    e('echo', { a: 1 }, { scopes: [] }),
    e('echo', { a: 1 }, { scopes: ['missing'] }),
    e('echo', { a: 1 }),
    e('echo', { a: 1, secrets: { given: true } }),
    e('echo', { a: 1, secrets: { given: true } }, { scopes: ['s2'] }),
    e('needs_secrets', {}),
    e('needs_secrets', { secrets: '${token}' }),
    e('needs_secrets', {}, { scopes: ['s1'] }),
    e('needs_secrets', {}, { scopes: 's1' }),
    e('rest', { a: 1, z: 2, secrets: 's' }, { scopes: ['s1'] }),
    e('rest', { a: 1, configuration: 'c' }),
    // substitution against the configuration and every secret scope, listed or not
    e('echo', { a: '${host}', b: 'http://${host}:${port}/x', c: ['${token}', { deep: '${key}' }] }),
    e('echo', { a: '${port}', b: '${nested}', c: '$$ ${missing} $host ${shared}' }),
    e('echo', { a: '$$' }, { configuration: {}, secrets: {} }),
    e('echo', { a: '${host}' }, { configuration: {}, secrets: {} }),
    // call errors as Python words them
    e('echo', {}),
    e('echo', { a: 1, z: 1 }),
    e('required4', {}),
    e('required4', { a: 1 }),
    e('required4', { a: 1, b: 2, c: 3 }),
    e('required4', { a: 1, b: 2, c: 3, d: 4, e: 5 }),
    e('rest', {}),
    e('echo', undefined),
    // exceptions → "ExcType: message", stripped
    e('fail', { kind: 'value', message: 'boom' }),
    e('fail', { kind: 'value' }),
    e('fail', { kind: 'value', message: '  spaced out \n\n' }),
    e('fail', { kind: 'value', message: 'two\nlines' }),
    e('fail', { kind: 'activity', message: 'from the extension' }),
    e('fail', { kind: 'key', message: 'k' }),
    e('fail', { kind: 'missing', message: 'f' }),
    e('fail', { kind: 'plain', message: '' }),
    e('fail', { kind: 'none' }),
  ];

  it(`${RUNS.length} runs give run_python_activity's outputs and failures`, async () => {
    const expected = reference(RUNS, echoEnv());
    const mismatches: string[] = [];
    for (let i = 0; i < RUNS.length; i++) {
      const got = await ours(RUNS[i]!);
      if (JSON.stringify(got) !== JSON.stringify(expected[i])) {
        mismatches.push(`${RUNS[i]!.func}(${JSON.stringify(RUNS[i]!.arguments)}) scopes ${JSON.stringify(RUNS[i]!.scopes)}: reference ${JSON.stringify(expected[i])}, turbulence ${JSON.stringify(got)}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('the native function sees the flat secrets and the configuration in its context too', async () => {
    let seen: unknown;
    registerNative({ module: M, func: 'ctx', doc: '', parameters: [P('secrets', { required: false, default: null })], run: (_, ctx) => (seen = ctx) && null });
    await ours(e('ctx', {}, { scopes: ['s1', 's2'] }));
    assert.deepEqual(seen, { configuration, secrets: { token: 't1', shared: 'from s2', key: 'k2' }, signal: undefined, ledger: undefined });
    await ours(e('ctx', {}));
    assert.deepEqual((seen as { secrets: unknown }).secrets, {});
  });

  it('an interrupted run stops with the interruption, not an activity failure', async () => {
    const controller = new AbortController();
    const reason = new ChaosError('interrupted by SIGTERM');
    registerNative({
      module: M,
      func: 'slow',
      doc: '',
      parameters: [],
      run: (_, ctx) =>
        new Promise((_, reject) => ctx.signal!.addEventListener('abort', () => reject(new PythonException('InterruptedError', 'stop')), { once: true })),
    });
    const running = provider.run(activity(c(M, 'slow', {})), { configuration: {}, secrets: {}, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(running, (err) => err === reason);
    // already interrupted: the function is not called
    await assert.rejects(provider.run(activity(c('os', 'mkdir', { path: join(tmp, 'never') })), { configuration: {}, secrets: {}, signal: controller.signal }), (err) => err === reason);
    assert.equal(fs.existsSync(join(tmp, 'never')), false);
  });
});

describe('modules neither native nor importable', () => {
  it('without a Python interpreter: validation names the module, a run aborts naming what to install', async () => {
    const saved = { PATH: process.env.PATH, TURBULENCE_PYTHON: process.env.TURBULENCE_PYTHON };
    process.env.PATH = join(tmp, 'no-python-here');
    delete process.env.TURBULENCE_PYTHON;
    try {
      const k8s = activity(c('chaosaws.ec2.actions', 'stop_instances', { instance_ids: ['i-1'] }));
      const [problem] = await provider.validate!(k8s, ['method', 0]);
      assert.match(problem!.message, /^could not find Python module 'chaosaws\.ec2\.actions' in activity 'act' \(.*no Python interpreter found/);
      assert.deepEqual(problem!.path, ['method', 0, 'provider', 'module']);
      const err = await provider.run(k8s, { configuration: {}, secrets: {} }).catch((x) => x);
      assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
      assert.match(err.message, /pip install chaostoolkit-aws/);
      const [noChown] = await provider.validate!(activity(c('os', 'chown', { path: 'x', uid: 0, gid: 0 })), []);
      assert.match(noChown!.message, /^Turbulence has no native os\.chown \(in activity 'act'\), and no Python interpreter found/);
      assert.deepEqual(noChown!.path, ['provider', 'func']);
      const chown = await provider.run(activity(c('os', 'chown', { path: 'x', uid: 0, gid: 0 })), { configuration: {}, secrets: {} }).catch((x) => x);
      assert.ok(chown instanceof ChaosError && !(chown instanceof ActivityFailed));
      assert.match(chown.message, /Turbulence has no native os\.chown, and no Python interpreter found/);
      // native functions need no interpreter
      assert.deepEqual(await provider.validate!(activity(c('os.path', 'exists', { path: '.' })), []), []);
      assert.equal(await provider.run(activity(c('os.path', 'exists', { path: '.' })), { configuration: {}, secrets: {} }), true);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.TURBULENCE_PYTHON !== undefined) process.env.TURBULENCE_PYTHON = saved.TURBULENCE_PYTHON;
    }
  });

  it('with the reference interpreter: a module it cannot import gets the reference\'s message', async () => {
    const saved = process.env.TURBULENCE_PYTHON;
    process.env.TURBULENCE_PYTHON = PYTHON;
    try {
      const [problem] = await provider.validate!(activity(c('no_such_module_here', 'f', {})), ['method', 0]);
      assert.equal(problem!.message, "could not find Python module 'no_such_module_here' in activity 'act'");
    } finally {
      if (saved === undefined) delete process.env.TURBULENCE_PYTHON;
      else process.env.TURBULENCE_PYTHON = saved;
      const { stopBridges } = await import('../../src/providers/python/bridge.ts');
      await stopBridges();
    }
  });
});
