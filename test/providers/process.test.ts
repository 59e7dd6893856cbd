// The process provider against real processes, and against the reference's run_process_activity where it is the
// oracle (argv conversion, shell strings, exit codes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ActivityFailed, ChaosError } from '../../src/errors.ts';
import type { Activity, Configuration } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { expandUser, toArgv, which, type ProcessOutput } from '../../src/providers/process.ts';
import { getProvider } from '../../src/providers/registry.ts';

const PYTHON = fileURLToPath(new URL('../../.peers/venv/bin/python', import.meta.url));
assert.ok(existsSync(PYTHON), 'the reference venv is missing: run scripts/setup-test-peers.sh');
const provider = getProvider('process')!;
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-process-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function activity(p: Record<string, unknown>, extra: Record<string, unknown> = {}): Activity {
  return { type: 'probe', name: 'proc', provider: { type: 'process', ...p }, ...extra } as Activity;
}

function run(p: Record<string, unknown>, configuration: Configuration = {}, signal?: AbortSignal): Promise<ProcessOutput> {
  return provider.run(activity(p), { configuration, secrets: {}, signal }) as Promise<ProcessOutput>;
}

/** Runs each provider through chaoslib's run_process_activity; the output or `{error: [kind, message]}`. */
function reference(cases: { provider: Record<string, unknown>; configuration?: Configuration }[]): unknown[] {
  const script = `
import json, sys
from chaoslib.provider.process import run_process_activity
from chaoslib.exceptions import ActivityFailed
out = []
for c in json.loads(sys.stdin.read()):
    try:
        out.append(run_process_activity({"name": "proc", "provider": dict(type="process", **c["provider"])}, c.get("configuration", {}), {}))
    except ActivityFailed as e:
        out.append({"error": ["ActivityFailed", str(e)]})
    except Exception as e:
        out.append({"error": ["other", str(e)]})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' }));
}

async function ours(cases: { provider: Record<string, unknown>; configuration?: Configuration }[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of cases) {
    try {
      out.push(await run(c.provider, c.configuration ?? {}));
    } catch (e) {
      out.push({ error: [e instanceof ActivityFailed ? 'ActivityFailed' : 'other', (e as Error).message] });
    }
  }
  return out;
}

describe('process arguments', () => {
  // Values whose JSON text tells Python's int from float the same way a JS number does (so not 1.0, nor 1e16,
  // which JSON.stringify writes as an integer).
  const items = ['plain', 'two words', 7, -3, 1.5, 0.1, 1e-5, 2.5e-7, 1e22, -0.25, true, false, null, '', [1, 'a', null], { k: [true] }, "it's", 'é'];

  test('array items go through str(): True, 1.5, 1e-05, 1e+22, reprs of lists and dicts; None and "" dropped', () => {
    assert.deepEqual(toArgv(items), [
      'plain', 'two words', '7', '-3', '1.5', '0.1', '1e-05', '2.5e-07', '1e+22', '-0.25', 'True', 'False',
      "[1, 'a', None]", "{'k': [True]}", "it's", 'é',
    ]);
  });

  test('numbers: integral ones print as Python ints up to 2**53, beyond as Python floats (JSON lost the difference)', () => {
    assert.deepEqual(toArgv([1.0, 2 ** 53 - 1, 1e16, -0.0]), ['1', '9007199254740991', '1e+16', '0']);
  });

  test('a mapping is flattened to key, value pairs before None and "" are dropped', () => {
    assert.deepEqual(toArgv({ '--a': 1, '--b': null, c: '', '--d': [1] }), ['--a', '1', '--b', 'c', '--d', '[1]']);
  });

  test('the argv reaches the binary unchanged (printf shows each item)', async () => {
    const out = await run({ path: 'printf', arguments: ['<%s>', 'a b', 1.5, true, null, '', '$HOME'] });
    assert.deepEqual(out, { status: 0, stdout: '<a b><1.5><True><$HOME>', stderr: '' });
  });

  test('anything else is not iterable and aborts (not an ActivityFailed)', async () => {
    const err = await run({ path: 'echo', arguments: 5 }).catch((e) => e);
    assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
    assert.match(err.message, /'int' object is not iterable/);
  });

  test('same outputs as the reference for the argv table, shell strings and exit codes', async () => {
    const cases = [
      { provider: { path: 'printf', arguments: ['%s|', ...items] } },
      { provider: { path: 'printf', arguments: { '%s|': 1, '--b': null, c: '', d: 2.5 } } },
      { provider: { path: 'echo', arguments: '$HOME "$HOME" ${TURBULENCE_UNSET:-dflt} \'$HOME\'' } },
      { provider: { path: 'echo', arguments: ['$$HOME', '${n}', '$n'] }, configuration: { n: 7 } },
      { provider: { path: 'echo', arguments: ['$$HOME', '${n}'] } },
      { provider: { path: 'sh', arguments: ['-c', 'echo out; echo err >&2; exit 3'] } },
      { provider: { path: 'sh', arguments: ['-c', 'kill -9 $$'] } },
      { provider: { path: 'echo' } },
      { provider: { path: 'echo', arguments: '' } },
      { provider: { path: 'no-such-binary-turbulence', arguments: 'x y' } },
      { provider: { path: 'sleep', arguments: ['5'], timeout: 0.2 } },
    ];
    assert.deepEqual(await ours(cases), reference(cases));
  });
});

describe('process run', () => {
  test('a string runs through the shell as "{path} {arguments}", expanding $HOME', async () => {
    const out = await run({ path: 'echo', arguments: '$HOME "a  b"' });
    assert.equal(out.stdout, `${process.env.HOME} a  b\n`);
  });

  test('arguments are substituted only when there is a configuration or secrets ($$ stays otherwise)', async () => {
    assert.equal((await run({ path: 'echo', arguments: ['$$x', '${v}'] })).stdout, '$$x ${v}\n');
    assert.equal((await run({ path: 'echo', arguments: ['$$x', '${v}'] }, { v: 'seven' })).stdout, '$x seven\n');
    // an exact "${v}" keeps its type and is then str()-ed
    assert.equal((await run({ path: 'echo', arguments: ['${v}'] }, { v: [1, true] })).stdout, '[1, True]\n');
  });

  test('the path is never substituted', async () => {
    const err = await run({ path: '${bin}' }, { bin: 'echo' }).catch((e) => e);
    assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
    assert.match(err.message, /path '\$\{bin\}' cannot be found/);
  });

  test('a non-zero exit is an output, with stdout and stderr', async () => {
    const out = await run({ path: 'sh', arguments: ['-c', 'printf out; printf err >&2; exit 4'] });
    assert.deepEqual(out, { status: 4, stdout: 'out', stderr: 'err' });
  });

  test('a death by signal gives a negative status, as in Python', async () => {
    assert.equal((await run({ path: 'sh', arguments: ['-c', 'kill -TERM $$'] })).status, -15);
  });

  test('the child inherits the whole environment', async () => {
    process.env.TURBULENCE_PROCESS_TEST = 'inherited';
    try {
      assert.equal((await run({ path: 'sh', arguments: ['-c', 'echo $TURBULENCE_PROCESS_TEST'] })).stdout, 'inherited\n');
    } finally {
      delete process.env.TURBULENCE_PROCESS_TEST;
    }
  });

  test('output is UTF-8, or ISO-8859-1 when not valid UTF-8', async () => {
    assert.equal((await run({ path: 'printf', arguments: ['caf\\303\\251'] })).stdout, 'café');
    assert.equal((await run({ path: 'printf', arguments: ['caf\\351'] })).stdout, 'café');
  });

  test('timeout: the activity fails with the reference message and the whole process group is killed', async () => {
    const pidFile = join(tmp, 'grandchild.pid');
    const started = Date.now();
    const err = await run({ path: 'sh', arguments: ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], timeout: 0.3 }).catch((e) => e);
    assert.ok(err instanceof ActivityFailed);
    assert.equal(err.message, 'process activity took too long to complete');
    assert.ok(Date.now() - started < 3000);
    await waitGone(Number(readFileSync(pidFile, 'utf8')));
  });

  test('a timeout that is not a number aborts the run instead of failing the activity', async () => {
    const err = await run({ path: 'echo', timeout: '1' }).catch((e) => e);
    assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
  });

  test('abort via the signal kills the child and rejects promptly with the reason', async () => {
    const pidFile = join(tmp, 'aborted.pid');
    const controller = new AbortController();
    const reason = new ChaosError('interrupted by the test');
    const started = Date.now();
    const pending = run({ path: 'sh', arguments: ['-c', `echo $$ > ${pidFile}; sleep 30`] }, {}, controller.signal);
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8').trim()) await sleep(20);
    controller.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
    assert.ok(Date.now() - started < 3000);
    await waitGone(Number(readFileSync(pidFile, 'utf8')));
  });

  test('an already aborted signal spawns nothing', async () => {
    const marker = join(tmp, 'never');
    const controller = new AbortController();
    controller.abort(new ChaosError('stop'));
    await assert.rejects(run({ path: 'touch', arguments: [marker] }, {}, controller.signal), /stop/);
    assert.equal(existsSync(marker), false);
  });

  test('a missing binary with array arguments aborts the run (not an ActivityFailed)', async () => {
    const err = await run({ path: 'no-such-binary-turbulence', arguments: ['x'] }).catch((e) => e);
    assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
    assert.match(err.message, /no-such-binary-turbulence/);
  });

  test('a missing binary with string arguments reaches the shell as "None" (exit 127), like the reference', async () => {
    const out = await run({ path: 'no-such-binary-turbulence', arguments: 'x' });
    assert.equal(out.status, 127);
    assert.match(out.stderr, /None: not found/);
  });
});

describe('process path', () => {
  const bin = join(tmp, 'home', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'tool'), '#!/bin/sh\necho tool "$@"\n');
  chmodSync(join(bin, 'tool'), 0o755);
  writeFileSync(join(bin, 'plain'), 'not executable');

  test('which: a path with a slash is checked as it is; a bare name searched in PATH; non-executables skipped', () => {
    assert.equal(which(join(bin, 'tool')), join(bin, 'tool'));
    assert.equal(which(join(bin, 'plain')), null);
    assert.equal(which(bin), null);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      assert.equal(which('tool'), join(bin, 'tool'));
      assert.equal(which('plain'), null);
    } finally {
      process.env.PATH = saved;
    }
  });

  test('a bare name is looked up once per PATH; a binary gone since then aborts the run at spawn', async () => {
    const dir = join(tmp, 'vanishing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'blink'), '#!/bin/sh\necho blink\n');
    chmodSync(join(dir, 'blink'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${dir}:${saved}`;
    try {
      assert.equal((await run({ path: 'blink' })).stdout, 'blink\n');
      rmSync(join(dir, 'blink'));
      const err = await run({ path: 'blink' }).catch((e) => e);
      assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
      assert.match(err.message, /blink/);
    } finally {
      process.env.PATH = saved;
    }
  });

  test('expandUser: ~ is $HOME, ~root the password entry, unknown users stay', () => {
    assert.equal(expandUser('~/bin/tool'), `${process.env.HOME!.replace(/\/+$/, '')}/bin/tool`);
    assert.equal(expandUser('~root/x'), '/root/x');
    assert.equal(expandUser('~no-such-user-turbulence/x'), '~no-such-user-turbulence/x');
    assert.equal(expandUser('a/~/b'), 'a/~/b');
  });

  test('run expands ~ but validation looks the raw path up, as the reference does', async () => {
    const saved = process.env.HOME;
    process.env.HOME = join(tmp, 'home');
    try {
      const out = await run({ path: '~/bin/tool', arguments: ['x'] });
      assert.deepEqual(out, { status: 0, stdout: 'tool x\n', stderr: '' });
      const problems = await provider.validate!(activity({ path: '~/bin/tool' }), ['method', 0]);
      assert.deepEqual(problems, [
        { message: "path '~/bin/tool' cannot be found, in activity 'proc'", path: ['method', 0, 'provider', 'path'] },
      ]);
    } finally {
      process.env.HOME = saved;
    }
  });

  test('validate: no problem for a binary found in PATH or by path', async () => {
    assert.deepEqual(await provider.validate!(activity({ path: 'sh' }), []), []);
    assert.deepEqual(await provider.validate!(activity({ path: join(bin, 'tool') }), []), []);
    assert.equal((await provider.validate!(activity({ path: 'no-such-binary-turbulence' }), [])).length, 1);
  });
});

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(20);
  }
  assert.fail(`process ${pid} survived`);
}
