// The python bridge against real extensions installed in .peers/venv by scripts/setup-test-peers.sh: the test
// suite's own turbulence-testext (test/fixtures/python) and chaostoolkit-addons from PyPI. The reference Chaos
// Toolkit in the same venv is the oracle wherever it gives an answer: messages, journals, control hooks.
// CLI-level cases run test/providers/python-bridge-cli.ts, the CLI with every python activity on the bridge.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ActivityFailed, ChaosError, InterruptExecution } from '../../src/errors.ts';
import { Interrupted } from '../../src/engine/interruption.ts';
import type { Activity } from '../../src/experiment/types.ts';
import { getBridge, pythonUnavailable, stopBridges, type PythonBridge } from '../../src/providers/python/bridge.ts';
import { usePythonSettings } from '../../src/providers/python/interpreter.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(ROOT, '.peers/venv/bin/python');
const CHAOS = join(ROOT, '.peers/venv/bin/chaos');
const DRIVER = join(ROOT, 'test/providers/python-bridge-cli.ts');
const TURBULENCE = join(ROOT, 'bin/turbulence.js');
const TSX = import.meta.resolve('tsx');
assert.ok(existsSync(CHAOS), 'the reference venv is missing: run scripts/setup-test-peers.sh');
process.env.TURBULENCE_PYTHON = PYTHON;

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-python-bridge-'));
after(async () => {
  await stopBridges();
  rmSync(tmp, { recursive: true, force: true });
});

const PROBES = 'turbulence_testext.probes';
const ACTIONS = 'turbulence_testext.actions';

function activity(module: string, func: string, args?: Record<string, unknown>, extra: Record<string, unknown> = {}): Activity {
  return { type: 'probe', name: `${func}-probe`, provider: { type: 'python', module, func, arguments: args, ...extra } } as Activity;
}

function bridge(): PythonBridge {
  const b = getBridge();
  assert.ok(b, `no bridge: ${pythonUnavailable()}`);
  return b;
}

const ctx = { configuration: { greeting: 'hello', port: 8080 }, secrets: { vault: { token: 's3cr3t' }, other: { key: 'k' } } };

/** Whether any process of the group still exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

async function waitForFile(path: string, ms = 10_000): Promise<string> {
  assert.ok(await eventually(() => existsSync(path) && readFileSync(path, 'utf8') !== '', ms), `${path} never appeared`);
  return readFileSync(path, 'utf8');
}

describe('python bridge: activities', () => {
  test('returns the function value, with non-JSON values encoded as the reference journal encodes them', async () => {
    const b = bridge();
    assert.equal(await b.run(activity(PROBES, 'add', { a: 1, b: 5 }), ctx), 6);
    const nested = { 'clé': ['ü', 1.5, null, true, { n: [] }] };
    assert.deepEqual(await b.run(activity(PROBES, 'echo', { value: nested }), ctx), nested);
    assert.equal(await b.run(activity(PROBES, 'echo', { value: 2n ** 70n }), ctx), 2n ** 70n);
    // bytes (a `--var k:bytes=…` value) stay bytes both ways
    assert.deepEqual(await b.run(activity(PROBES, 'echo', { value: '${raw}' }), { ...ctx, configuration: { raw: Buffer.from('é\0') } }), Buffer.from('é\0'));
    const odd = (await b.run(activity(PROBES, 'odd_values'), ctx)) as Record<string, unknown>;
    assert.deepEqual(odd, {
      when: '2024-05-06T07:08:09.123456+00:00',
      day: '2024-05-06',
      amount: '1.10',
      id: '12345678-1234-5678-1234-567812345678',
      tuple: [1, 2],
      nan: NaN,
      big: 2n ** 70n,
      obj: '<Marker>',
    });
  });

  test('arguments are substituted; an exception is an ActivityFailed worded as chaoslib words it', async () => {
    const b = bridge();
    await assert.rejects(b.run(activity(PROBES, 'fail', { message: 'bad ${greeting}' }), ctx), (err: Error) => {
      assert.ok(err instanceof ActivityFailed);
      assert.equal(err.message, 'ValueError: bad hello');
      return true;
    });
    // an InterruptExecution raised by an activity is only its failure, module-qualified as traceback prints it
    await assert.rejects(b.run(activity(PROBES, 'stop_the_run'), ctx), {
      name: 'ActivityFailed',
      message: 'chaoslib.exceptions.InterruptExecution: stop from the activity',
    });
  });

  test('a module or function missing at run time is not an activity failure (the reference aborts the run)', async () => {
    const b = bridge();
    await assert.rejects(b.run(activity('no_such_module', 'f'), ctx), (err: Error) => {
      assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
      assert.equal(err.message, "No module named 'no_such_module'");
      return true;
    });
    await assert.rejects(b.run(activity('os', 'no_such_function'), ctx), { message: "module 'os' has no attribute 'no_such_function'" });
  });

  test('SystemExit from an activity interrupts the run as the exit signal it carries', async () => {
    const b = bridge();
    await assert.rejects(b.run(activity(PROBES, 'exit_now', { code: 30 }), ctx), (err: Error) => {
      assert.ok(err instanceof Interrupted);
      assert.equal(err.kind, 'SIGUSR2');
      assert.equal(err.message, 'Received the exit signal: 30');
      return true;
    });
    await assert.rejects(b.run(activity(PROBES, 'exit_now', { code: null }), ctx), { message: 'Received the exit signal: None' });
    // the worker survives it
    assert.equal(await b.run(activity(PROBES, 'add', { a: 2 }), ctx), 3);
  });

  test('configuration and secrets parameters as chaoslib passes them', async () => {
    const b = bridge();
    assert.equal(await b.run(activity(PROBES, 'config_value', { key: 'port' }), ctx), 8080);
    // secrets: a flat merge of the scopes the provider lists, and only when it lists some
    assert.deepEqual(await b.run(activity(PROBES, 'secret_values', {}, { secrets: ['vault', 'missing', 'other'] }), ctx), {
      secrets: { token: 's3cr3t', key: 'k' },
    });
    assert.deepEqual(await b.run(activity(PROBES, 'secret_values'), ctx), { secrets: null });
    // remembered per function: later calls send only what it takes, and still get it
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await b.run(activity(PROBES, 'both', {}, { secrets: ['vault'] }), ctx), {
        configuration: ctx.configuration,
        secrets: { token: 's3cr3t' },
      });
    }
  });

  test('what user code prints goes to stderr and cannot corrupt the protocol', async () => {
    assert.equal(await bridge().run(activity(PROBES, 'chatty'), ctx), 'spoke');
  });

  test('a call sent while another runs (a background activity) is not held up by it', async () => {
    const b = bridge();
    const started = Date.now();
    const nap = b.run(activity(ACTIONS, 'nap', { seconds: 1.5 }), ctx);
    assert.equal(await b.run(activity(PROBES, 'add', { a: 40, b: 2 }), ctx), 42);
    assert.ok(Date.now() - started < 1000, 'the second call waited for the first');
    assert.equal(await nap, 'rested');
  });

  test('a crash mid-call fails that activity with a clear message; the next call gets a new worker', async () => {
    const b = bridge();
    const before = (await b.run(activity(PROBES, 'worker_pid'), ctx)) as number;
    await b.run(activity(ACTIONS, 'count_calls'), ctx);
    await assert.rejects(b.run(activity(ACTIONS, 'crash', { code: 3 }), ctx), (err: Error) => {
      assert.ok(err instanceof ActivityFailed);
      assert.match(err.message, /^the Python worker \(.*python\) exited with code 3 while running turbulence_testext\.actions\.crash$/);
      return true;
    });
    const after = (await b.run(activity(PROBES, 'worker_pid'), ctx)) as number;
    assert.notEqual(after, before);
    assert.equal(await b.run(activity(ACTIONS, 'count_calls'), ctx), 1, 'module state starts over in the new worker');
  });

  test('an interrupted call kills the worker and its process group; the next call starts a new one', async () => {
    const b = bridge();
    const marker = join(tmp, 'nap-started');
    const abort = new AbortController();
    const nap = b.run(activity(ACTIONS, 'nap', { seconds: 30, marker }), { ...ctx, signal: abort.signal });
    const pid = Number(await waitForFile(marker));
    const reason = new Interrupted('SIGINT', 'Received a termination signal (Ctrl-C)...');
    abort.abort(reason);
    await assert.rejects(nap, (err) => err === reason);
    assert.ok(await eventually(() => !groupAlive(pid)), 'the worker outlived its interrupted call');
    assert.notEqual(await b.run(activity(PROBES, 'worker_pid'), ctx), pid);
  });

  test('aborting a signal abandons only the calls made under it, not those of other signals nor later calls', async () => {
    const b = bridge();
    const first = new AbortController();
    const pid = (await b.run(activity(PROBES, 'worker_pid'), { ...ctx, signal: first.signal })) as number;
    // a signal whose calls are all answered: aborting it later touches nothing
    const other = new AbortController();
    const rest = b.run(activity(ACTIONS, 'nap', { seconds: 0.3 }), { ...ctx, signal: other.signal });
    first.abort(new Interrupted('SIGINT', 'late'));
    assert.equal(await rest, 'rested');
    assert.equal(await b.run(activity(PROBES, 'worker_pid'), { ...ctx, signal: other.signal }), pid);
    // two calls in flight under different signals: only the aborted one is abandoned, the other gets its answer
    const marker = join(tmp, 'nap-shared');
    const main = new AbortController();
    const long = b.run(activity(ACTIONS, 'nap', { seconds: 30, marker }), { ...ctx, signal: main.signal });
    await waitForFile(marker);
    const short = b.run(activity(ACTIONS, 'nap', { seconds: 0.5 }), { ...ctx, signal: other.signal });
    const reason = new Interrupted('SIGINT', 'Received a termination signal (Ctrl-C)...');
    main.abort(reason);
    await assert.rejects(long, (err) => err === reason);
    assert.equal(await short, 'rested');
    assert.ok(await eventually(() => !groupAlive(pid)), 'the retired worker outlived its last call');
  });

  test('workers crashing one after another under one signal leave no listener behind (Node warns past 10)', async () => {
    const b = bridge();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const signal = new AbortController().signal;
      for (let i = 0; i < 12; i++) {
        await assert.rejects(b.run(activity(ACTIONS, 'crash', { code: 3 }), { ...ctx, signal }), ActivityFailed);
      }
      assert.equal(await b.run(activity(PROBES, 'add', { a: 1, b: 1 }), { ...ctx, signal }), 2);
      await sleep(50); // warnings are emitted on the next tick
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('SIGTERM reaches a Python call as the reference raises it there: ActivityFailed(InterruptExecution)', async () => {
    const b = bridge();
    const marker = join(tmp, 'nap-term');
    const abort = new AbortController();
    const nap = b.run(activity(ACTIONS, 'nap', { seconds: 30, marker }), { ...ctx, signal: abort.signal });
    const pid = Number(await waitForFile(marker));
    abort.abort(new Interrupted('SIGTERM', 'SIGTERM signal received'));
    await assert.rejects(nap, { name: 'ActivityFailed', message: 'chaoslib.exceptions.InterruptExecution: SIGTERM signal received' });
    assert.ok(await eventually(() => !groupAlive(pid)));
  });

  test('validation binds the arguments as validate_python_activity, with its messages', async () => {
    const b = bridge();
    const at = ['method', 0];
    assert.deepEqual(await b.validate(activity(PROBES, 'add', { a: 1, c: 2 }), at), [
      { message: "argument 'c' is not part of the function signature in activity 'add'", path: [...at, 'provider', 'arguments', 'c'] },
    ]);
    assert.deepEqual(await b.validate(activity(PROBES, 'add', { b: 2 }), at), [
      { message: "required argument 'a' is missing from activity 'add'", path: [...at, 'provider', 'arguments'] },
    ]);
    assert.deepEqual(await b.validate(activity(PROBES, 'nope'), at), [
      {
        message: "The python module 'turbulence_testext.probes' does not expose a function called 'nope' in probe 'nope-probe'",
        path: [...at, 'provider', 'func'],
      },
    ]);
    // configuration and secrets are bound by chaoslib, not by the arguments; builtins count as functions
    assert.deepEqual(await b.validate(activity(PROBES, 'both'), at), []);
    assert.deepEqual(await b.validate(activity('os.path', 'exists', { path: '/' }), at), []);
    assert.equal(await b.validate(activity('no_such_module', 'f'), at), null);
    // a class is not a function for chaoslib
    assert.equal((await b.validate(activity('decimal', 'Decimal'), at))?.[0]?.path.at(-1), 'func');
  });
});

describe('python bridge: controls and discovery', () => {
  test('a control module exposes the hooks it defines; an unknown module is not loadable', async () => {
    const b = bridge();
    const hooks = await b.loadControl('chaosaddons.controls.safeguards');
    assert.deepEqual(Object.keys(hooks ?? {}).sort(), ['after_experiment_control', 'before_experiment_control', 'configure_control']);
    assert.equal(await b.loadControl('no_such_control_module'), null);
  });

  test("a hook's InterruptExecution becomes an InterruptExecution; its changes to shared arguments come back", async () => {
    const b = bridge();
    const hooks = (await b.loadControl('turbulence_testext.control'))!;
    const log = join(tmp, 'hooks.jsonl');
    const configuration: Record<string, unknown> = { greeting: 'hello' };
    await hooks.configure_control!({ log_path: log, experiment: { title: 'x' }, configuration, secrets: {} });
    const context = { name: 'victim', type: 'action' };
    const hook = hooks.before_activity_control!;
    await assert.rejects(
      async () => hook({ log_path: log, interrupt_on: 'victim', context, configuration }),
      (err: Error) => err instanceof InterruptExecution && err.message === "control stopped 'victim'",
    );
    assert.deepEqual(configuration, { greeting: 'hello', seen: 1 }, 'the same object, changed in place');
    const journal: Record<string, unknown> = { status: 'completed' };
    await hooks.after_experiment_control!({ log_path: log, context: {}, state: journal });
    assert.equal(journal.controlled_by, 'turbulence_testext.control');
  });

  test('discover() of an installed extension gives what `chaos discover --no-install` gives', async () => {
    const dir = mkdtempSync(join(tmp, 'discover-'));
    const ref = await runCommand(CHAOS, ['--no-version-check', '--no-log-file', 'discover', '--no-install', 'turbulence-testext'], dir);
    assert.equal(ref.exit, 0, ref.stderr);
    const expected = JSON.parse(readFileSync(join(dir, 'discovery.json'), 'utf8'));
    const got = await bridge().discover('turbulence-testext');
    const strip = ({ id: _id, date: _date, ...rest }: Record<string, unknown>) => rest;
    assert.deepEqual(strip(got), strip(expected));
    assert.ok((got.activities as unknown[]).length >= 10);
    await assert.rejects(bridge().discover('no-such-distribution'), { message: 'Package no-such-distribution not found' });
  });
});

describe('python bridge: interpreter', () => {
  test('a missing interpreter gives no bridge and a message naming what to install or set', () => {
    process.env.TURBULENCE_PYTHON = join(tmp, 'no-python-here');
    try {
      assert.equal(getBridge(), null);
      assert.match(pythonUnavailable()!, /no-python-here' named by TURBULENCE_PYTHON is not an executable file: install Python 3/);
    } finally {
      process.env.TURBULENCE_PYTHON = PYTHON;
    }
  });

  test('an interpreter that cannot run the worker aborts (ChaosError), it does not fail the activity', async () => {
    process.env.TURBULENCE_PYTHON = '/bin/false';
    try {
      await assert.rejects(bridge().run(activity('os', 'getcwd'), ctx), (err: Error) => {
        assert.ok(err instanceof ChaosError && !(err instanceof ActivityFailed));
        assert.equal(err.message, 'the Python worker (/bin/false) exited with code 1 before it was ready (Turbulence needs Python 3.8 or later) while running os.getcwd');
        return true;
      });
    } finally {
      process.env.TURBULENCE_PYTHON = PYTHON;
    }
  });

  test('the settings key python.interpreter applies when TURBULENCE_PYTHON is not set', () => {
    delete process.env.TURBULENCE_PYTHON;
    try {
      usePythonSettings({ python: { interpreter: PYTHON } });
      assert.equal(getBridge()?.interpreter, PYTHON);
      usePythonSettings({ python: { interpreter: join(tmp, 'nope', 'python') } });
      assert.match(pythonUnavailable()!, /named by the settings key python\.interpreter/);
    } finally {
      usePythonSettings({});
      process.env.TURBULENCE_PYTHON = PYTHON;
    }
  });
});

// ------------------------------------------------------------------------------------------------ the whole CLI

interface Outcome {
  exit: number | string;
  journal: any;
  stderr: string;
  dir: string;
}

function runCommand(cmd: string, args: string[], cwd: string, onStart?: (pid: number) => void): Promise<{ exit: number | string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: cwd, NO_COLOR: '1', TURBULENCE_PYTHON: PYTHON };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ exit: code ?? `killed by ${signal}`, stderr: stderr + (stdout ? `\n[stdout] ${stdout}` : '') });
    });
    if (child.pid) onStart?.(child.pid);
  });
}

/** Runs `run` (or `validate`) of an experiment with the reference or with Turbulence, in a fresh directory. */
async function runEngine(
  engine: 'reference' | 'turbulence' | 'built',
  experiment: object,
  command = 'run',
  onStart?: (pid: number, dir: string) => void,
  globalArgs: string[] = [],
): Promise<Outcome> {
  const dir = mkdtempSync(join(tmp, `${engine}-`));
  writeFileSync(join(dir, 'experiment.json'), JSON.stringify(experiment, null, 2));
  const args = ['--no-version-check', '--no-log-file', ...globalArgs, command, ...(command === 'run' ? ['--journal-path', 'journal.json'] : []), 'experiment.json'];
  const [cmd, argv] =
    engine === 'reference'
      ? [CHAOS, args]
      : engine === 'built'
        ? [process.execPath, [TURBULENCE, ...args]]
        : [process.execPath, ['--import', TSX, DRIVER, ...args]];
  const { exit, stderr } = await runCommand(cmd, argv, dir, onStart && ((pid) => onStart(pid, dir)));
  const path = join(dir, 'journal.json');
  return { exit, stderr, dir, journal: existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null };
}

const both = (experiment: object, command = 'run') => Promise.all([runEngine('reference', experiment, command), runEngine('turbulence', experiment, command)]);

const hooks = (o: Outcome) => readFileSync(join(o.dir, 'hooks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const lastException = (r: any) => (r.exception ? String(r.exception.at(-1)) : undefined);
const records = (runs: any[]) => runs.map((r) => ({ name: r.activity.name, status: r.status ?? '(absent)', output: r.output, exception: lastException(r) }));

function experiment(method: object[], extra: object = {}): object {
  return { title: 'python bridge', description: 'test', method, ...extra };
}

/** A python action; `provider` adds provider keys (e.g. secrets). */
function py(name: string, module: string, func: string, args?: object, provider: object = {}): object {
  return { type: 'action', name, provider: { type: 'python', module, func, ...(args ? { arguments: args } : {}), ...provider } };
}

describe('python bridge: runs compared with the reference', () => {
  test('outputs, failures and exception texts in the journal', async () => {
    const exp = experiment(
      [
        py('add', PROBES, 'add', { a: 1, b: '${n}' }),
        py('fail', PROBES, 'fail', { message: 'no ${greeting} here' }),
        py('stop', PROBES, 'stop_the_run'),
        py('config', PROBES, 'config_value', { key: 'greeting' }),
        py('unlisted-secrets', PROBES, 'secret_values'),
        py('listed-secrets', PROBES, 'both', {}, { secrets: ['vault'] }),
        // datetime and Decimal are as the journal encoder writes them; NaN or object() the reference cannot write
        py('echo', PROBES, 'echo', { value: { text: 'été', n: [1, 2.5, null, true] } }),
        py('chatty', PROBES, 'chatty'),
      ],
      { configuration: { greeting: 'hello', n: 41 }, secrets: { vault: { token: 's3cr3t' } } },
    );
    const [ref, turb] = await both(exp);
    assert.equal(turb.exit, ref.exit, turb.stderr);
    assert.equal(turb.journal.status, ref.journal.status);
    assert.deepEqual(records(turb.journal.run), records(ref.journal.run));
    assert.equal(lastException(turb.journal.run[1]), 'chaoslib.exceptions.ActivityFailed: ValueError: no hello here\n');
    // what the extension prints reaches the user on stderr, never Turbulence's stdout
    assert.match(turb.stderr, /printed by the probe\nwritten to fd 1\n/);
    assert.ok(!turb.stderr.includes('[stdout]'), turb.stderr);
  });

  test('argument binding errors are the reference validation errors', async () => {
    const cases = [
      py('a', PROBES, 'add', { a: 1, c: 2 }),
      py('a', PROBES, 'add', {}),
      py('a', PROBES, 'no_such_function'),
      py('a', 'no_such_module', 'f'),
    ];
    for (const activity of cases) {
      const [ref, turb] = await both(experiment([activity]), 'validate');
      assert.equal(ref.exit, 1);
      assert.equal(turb.exit, 1);
      const message = /ERROR\] (.*)/.exec(ref.stderr)?.[1];
      assert.ok(message, ref.stderr);
      assert.ok(turb.stderr.includes(`: ${message} (at $.method[0]`), `expected "${message}" in:\n${turb.stderr}`);
    }
  });

  test('SystemExit(30) from an activity: interrupted, no rollbacks, as in the reference', async () => {
    const exp = experiment([py('leave', PROBES, 'exit_now', { code: 30 }), py('never', ACTIONS, 'noop')], {
      rollbacks: [py('undo', ACTIONS, 'noop')],
    });
    const [ref, turb] = await both(exp);
    assert.equal(turb.exit, ref.exit);
    assert.equal(turb.journal.status, 'interrupted');
    assert.equal(ref.journal.status, 'interrupted');
    assert.deepEqual(records(turb.journal.run), records(ref.journal.run));
    assert.deepEqual(turb.journal.rollbacks, ref.journal.rollbacks);
    assert.match(turb.stderr, /WARNING\] Received the exit signal: 30/);
  });

  test('a worker crash fails the activity and the run goes on (the reference dies with the exit code)', async () => {
    const exp = experiment([
      py('pid-before', PROBES, 'worker_pid'),
      py('crash', ACTIONS, 'crash', { code: 3 }),
      py('pid-after', PROBES, 'worker_pid'),
    ]);
    const [ref, turb] = await both(exp);
    // the reference runs extensions in its own process: os._exit takes the whole run down, journal included
    assert.equal(ref.exit, 3);
    assert.equal(ref.journal, null);
    assert.equal(turb.exit, 0, turb.stderr);
    const [before, crash, afterCrash] = turb.journal.run;
    assert.equal(crash.status, 'failed');
    assert.match(lastException(crash)!, /ActivityFailed: the Python worker \(.*\) exited with code 3 while running turbulence_testext\.actions\.crash\n$/);
    assert.equal(afterCrash.status, 'succeeded');
    assert.notEqual(afterCrash.output, before.output);
    // the run over, the new worker ends with it
    assert.ok(await eventually(() => !groupAlive(afterCrash.output)), 'the worker outlived the run');
  });

  test('SIGTERM while a Python action sleeps: the action fails with InterruptExecution and the run goes on, as in the reference; no process left', async () => {
    const exp = experiment([py('nap', ACTIONS, 'nap', { seconds: 30, marker: 'started' }), py('after', ACTIONS, 'noop')]);
    const signalWhenStarted = (pids: number[]) => (pid: number, dir: string) => {
      void waitForFile(join(dir, 'started')).then((text) => {
        pids.push(Number(text));
        process.kill(pid, 'SIGTERM');
      });
    };
    const workers: number[] = [];
    const [ref, turb] = await Promise.all([
      runEngine('reference', exp, 'run', signalWhenStarted([])),
      runEngine('built', exp, 'run', signalWhenStarted(workers)),
    ]);
    for (const o of [ref, turb]) {
      assert.equal(o.exit, 0, o.stderr);
      assert.equal(o.journal.status, 'completed');
      assert.deepEqual(records(o.journal.run).map((r) => [r.name, r.status]), [['nap', 'failed'], ['after', 'succeeded']]);
    }
    const failure = (o: Outcome) => String(o.journal.run[0].exception.at(-1));
    assert.match(failure(ref), /ActivityFailed: chaoslib\.exceptions\.InterruptExecution: SIGTERM signal received/);
    assert.equal(failure(turb), 'chaoslib.exceptions.ActivityFailed: chaoslib.exceptions.InterruptExecution: SIGTERM signal received\n');
    assert.ok(workers[0] > 0);
    assert.ok(await eventually(() => !groupAlive(workers[0])), 'the interrupted worker or a process of its group survived');
  });

  test('the chaosaddons safeguards control interrupts the run as in the reference, bridged and native', async () => {
    const exp = experiment([py('nap', ACTIONS, 'nap', { seconds: 3 }), py('after', ACTIONS, 'noop')], {
      controls: [
        {
          name: 'safeguard',
          provider: {
            type: 'python',
            module: 'chaosaddons.controls.safeguards',
            arguments: {
              probes: [
                {
                  name: 'is-healthy',
                  type: 'probe',
                  tolerance: true,
                  provider: { type: 'python', module: PROBES, func: 'healthy', arguments: { value: false } },
                },
              ],
            },
          },
        },
      ],
      rollbacks: [py('undo', ACTIONS, 'noop')],
    });
    // turbulence: the Python control through the bridge; built: the CLI, whose native control answers to that name
    const [ref, turb, native] = await Promise.all([
      runEngine('reference', exp),
      runEngine('turbulence', exp),
      runEngine('built', exp, 'run', undefined, ['--verbose']),
    ]);
    assert.equal(ref.journal.status, 'interrupted');
    for (const o of [turb, native]) {
      assert.equal(o.exit, ref.exit, o.stderr);
      assert.equal(o.journal.status, ref.journal.status);
      assert.deepEqual(o.journal.rollbacks, ref.journal.rollbacks);
      assert.ok(!o.journal.run.some((r: any) => r.activity.name === 'after'), 'the method went on');
      assert.match(o.stderr, /CRITICAL\] Safeguard 'is-healthy' triggered the end of the experiment/);
      assert.match(o.stderr, /WARNING\] Received the exit signal: 20/);
    }
    // where the interruption lands depends on when the signal arrives (the reference's own signal may land before
    // or in the first action): test/differential/safeguards.test.ts pins it with a pause; here, what ran agrees
    for (const o of [turb, native]) assert.ok(o.journal.run.every((r: any) => r.activity.name === 'nap' && !('status' in r)));
    assert.match(native.stderr, /DEBUG\] Guardian is now terminated/);
    assert.doesNotMatch(turb.stderr, /Guardian is now terminated/);
  });

  test('the safeguards control rejects the declarations chaosaddons rejects, in its words, bridged and native', async () => {
    const withProbes = (probes: unknown[]) =>
      experiment([py('noop', ACTIONS, 'noop')], {
        controls: [{ name: 'safeguard', provider: { type: 'python', module: 'chaosaddons.controls.safeguards', arguments: { probes } } }],
      });
    const probe = { name: 'p', type: 'probe', tolerance: true, provider: { type: 'python', module: PROBES, func: 'healthy' } };
    const cases = [
      withProbes([]),
      withProbes([{ ...probe, tolerance: undefined }]),
      withProbes([{ ...probe, type: 'action' }]),
      withProbes([{ ...probe, tolerance: { type: 'weird' } }]),
      withProbes([{ ...probe, name: undefined }]),
    ];
    for (const exp of cases) {
      const [ref, turb, native] = await Promise.all([
        runEngine('reference', exp, 'validate'),
        runEngine('turbulence', exp, 'validate'),
        runEngine('built', exp, 'validate'),
      ]);
      const reason = (o: Outcome) => /ERROR\] (?:\S+: )?(.*?)(?: \(at \$[^)]*\))?$/m.exec(o.stderr)?.[1];
      assert.equal(ref.exit, 1, ref.stderr);
      assert.ok(reason(ref), ref.stderr);
      for (const o of [turb, native]) {
        assert.equal(o.exit, 1, o.stderr);
        assert.equal(reason(o), reason(ref), o.stderr);
      }
    }
  });

  test("a Python control's hooks: same calls, same arguments, same order, same shared changes as the reference", async () => {
    const exp = experiment(
      [py('count', ACTIONS, 'count_calls'), { ...(py('seen', PROBES, 'config_value', { key: 'seen' }) as object), type: 'probe' }],
      {
        configuration: { greeting: 'hello' },
        secrets: { vault: { token: 's3cr3t' } },
        controls: [{ name: 'recorder', provider: { type: 'python', module: 'turbulence_testext.control', arguments: { log_path: 'hooks.jsonl' } } }],
        'steady-state-hypothesis': {
          title: 'healthy',
          probes: [{ type: 'probe', name: 'healthy', tolerance: true, provider: { type: 'python', module: PROBES, func: 'healthy' } }],
        },
        rollbacks: [py('undo', ACTIONS, 'noop')],
      },
    );
    const [ref, turb] = await both(exp);
    assert.equal(turb.exit, ref.exit, turb.stderr);
    const expected = hooks(ref);
    assert.equal(expected.at(-1).hook, 'cleanup_control');
    assert.deepEqual(hooks(turb), expected);
    assert.deepEqual(records(turb.journal.run), records(ref.journal.run));
    assert.equal(turb.journal.controlled_by, ref.journal.controlled_by);
  });

  test("a control's InterruptExecution interrupts the run as in the reference", async () => {
    const exp = experiment([py('first', ACTIONS, 'noop'), py('victim', ACTIONS, 'noop'), py('last', ACTIONS, 'noop')], {
      controls: [
        {
          name: 'stopper',
          provider: { type: 'python', module: 'turbulence_testext.control', arguments: { log_path: 'hooks.jsonl', interrupt_on: 'victim' } },
        },
      ],
    });
    const [ref, turb] = await both(exp);
    assert.equal(ref.journal.status, 'interrupted');
    assert.equal(turb.exit, ref.exit, turb.stderr);
    assert.equal(turb.journal.status, ref.journal.status);
    assert.deepEqual(records(turb.journal.run), records(ref.journal.run));
    assert.deepEqual(hooks(turb), hooks(ref));
  });

  test('the built CLI finds the worker shipped beside the bundle (a Python control, process activities)', async () => {
    assert.ok(existsSync(join(ROOT, 'dist/worker.py')), 'dist/worker.py is missing: run npm run build');
    const exp = experiment([{ type: 'probe', name: 'p', provider: { type: 'process', path: 'true' } }], {
      controls: [{ name: 'recorder', provider: { type: 'python', module: 'turbulence_testext.control', arguments: { log_path: 'hooks.jsonl' } } }],
    });
    const [ref, built] = await Promise.all([runEngine('reference', exp), runEngine('built', exp)]);
    assert.equal(built.exit, 0, built.stderr);
    assert.deepEqual(hooks(built), hooks(ref));
  });
});
