// The stress driver against the real machine: CPU time, resident memory and bytes written by the stressors read
// from /proc, stress-ng (a required peer) seen running, background stresses stopped by their undo with nothing left in
// /proc, refusals that start nothing, interruption, and a stressor outliving a killed runner for at most a moment.
// Then a `turbulence run` of the built binary (npm run build first). Durations stay within 2 s: the machine is small
// and shared.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { findActivity } from '../../src/drivers/define.ts';
import { getProvider } from '../../src/providers/registry.ts';
import { findStressNg } from '../../src/drivers/stress/limits.ts';

const provider = getProvider('python')!;
const MiB = 2 ** 20;

const call = (func: string, args: Record<string, unknown>, signal?: AbortSignal) => {
  const activity = { type: 'action', name: func, provider: { type: 'python', module: 'turbulence.stress', func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {}, signal }) as Promise<Record<string, unknown> & { pids: number[]; start_time: number }>;
};

/** Stops whatever a failed test left behind. */
after(async () => {
  await call('stop_stress', {});
});

function stat(pid: number): { state: string; ppid: number; pgrp: number; cpu: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0]!, ppid: Number(f[1]), pgrp: Number(f[2]), cpu: (Number(f[11]) + Number(f[12])) / 100 };
  } catch {
    return null;
  }
}

/** Live processes of the process group `pgid` (a stressor and whatever it started). */
function group(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      const s = stat(pid);
      return s !== null && s.pgrp === pgid && s.state !== 'Z';
    });
}

const comm = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
};

function rss(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** The live stressor processes this test process started. */
function stressors(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        const s = stat(pid);
        return (argv[0]!.startsWith('turbulence-stressor ') || argv[3] === 'turbulence-stressor') && s?.state !== 'Z' && s?.ppid === process.pid;
      } catch {
        return false;
      }
    });
}

/** Whether `ancestor` is among the parents of `pid`. */
function isDescendant(pid: number, ancestor: number): boolean {
  for (let p = pid, i = 0; p > 1 && i < 64; i++) {
    const s = stat(p);
    if (!s) return false;
    if (s.ppid === ancestor) return true;
    p = s.ppid;
  }
  return false;
}

/** Waits (bounded) until `done` holds. */
async function until(done: () => boolean, ms = 3000): Promise<boolean> {
  for (let t = 0; t < ms && !done(); t += 25) await sleep(25);
  return done();
}

async function undo(func: string, args: Record<string, unknown>, result: unknown) {
  const u = findActivity('turbulence.stress', func)!.undo!(args, result)!;
  assert.equal(u.func, 'stop_stress');
  return call(u.func, u.arguments);
}

describe('turbulence.stress', () => {
  it('stress-ng is on PATH (a required peer)', () => {
    assert.ok(findStressNg(), 'stress-ng must be installed: scripts/setup-test-peers.sh');
  });

  it('builtin cpu: one core at 100% burns CPU time in the stressor; at 25% the duty cycle caps it', async () => {
    const full = await call('stress_cpu', { cores: 1, load: 100, duration: 2, engine: 'builtin', wait: false });
    assert.equal(full.engine, 'builtin');
    const [pid] = full.pids;
    const t0 = performance.now();
    const c0 = stat(pid!)!.cpu;
    await sleep(1000);
    const busy = (stat(pid!)!.cpu - c0) / ((performance.now() - t0) / 1000);
    await undo('stress_cpu', {}, full);
    // one thread cannot exceed one core; other helpers share the two cores, so allow for contention below
    assert.ok(busy > 0.25 && busy < 1.1, `CPU share at 100% load: ${busy}`);

    const light = await call('stress_cpu', { cores: 1, load: 25, duration: 1.5, engine: 'builtin' });
    assert.equal(light.reason, 'completed');
    assert.ok((light.elapsed as number) >= 1.45 && (light.elapsed as number) < 2.5, `elapsed ${light.elapsed}`);
    const share = (light.cpu_seconds as number) / 1.5;
    assert.ok(share > 0.05 && share < 0.4, `CPU share at 25% load: ${share}`);
  });

  it('stress-ng cpu: auto picks stress-ng; its workers run in the stressor group and are gone after the undo', async () => {
    const r = await call('stress_cpu', { cores: 1, load: 50, duration: 2, wait: false });
    assert.equal(r.engine, 'stress-ng');
    const [pid, ngPid] = r.pids;
    assert.equal(comm(ngPid!), 'stress-ng');
    assert.ok(await until(() => group(pid!).some((p) => comm(p) === 'stress-ng-cpu')), 'a stress-ng-cpu worker runs');
    const stopped = await undo('stress_cpu', {}, r);
    assert.deepEqual(stopped, { stopped: [pid], not_running: [] });
    assert.deepEqual(group(pid!), []);

    const waited = await call('stress_cpu', { cores: 1, load: 100, duration: 1, engine: 'stress-ng' });
    assert.equal(waited.exit_code, 0);
    assert.ok((waited.cpu_seconds as number) > 0.2, `stress-ng used ${waited.cpu_seconds} CPU s`);
  });

  it('memory: the builtin stressor and stress-ng really hold the asked bytes', async () => {
    const bytes = 96 * MiB;
    const b = await call('stress_memory', { bytes: '96M', duration: 2, engine: 'builtin', wait: false });
    assert.equal(b.bytes, bytes);
    assert.ok(rss(b.pids[0]!) >= bytes, `builtin RSS ${rss(b.pids[0]!)}`);
    assert.ok((b.rss_bytes as number) >= bytes);
    await undo('stress_memory', {}, b);

    const n = await call('stress_memory', { bytes, duration: 2, engine: 'stress-ng', wait: false });
    // the action returns once stress-ng holds the memory
    const groupRss = Math.max(0, ...group(n.pids[0]!).map(rss));
    assert.ok(groupRss >= bytes, `stress-ng largest RSS ${groupRss}`);
    assert.ok((n.rss_bytes as number) >= bytes);
    await undo('stress_memory', {}, n);
    assert.deepEqual(group(n.pids[0]!), []);
  });

  it('io: writes and fsyncs in a temporary directory that is removed, with either engine', async () => {
    const b = await call('stress_io', { bytes: '4M', duration: 1, engine: 'builtin' });
    assert.ok((b.bytes_written as number) >= 4 * MiB, `wrote ${b.bytes_written}`);
    assert.ok(!existsSync(b.path as string));

    const n = await call('stress_io', { bytes: '4M', duration: 2, engine: 'stress-ng', wait: false });
    const dir = n.path as string;
    const writes = () =>
      group(n.pids[0]!).reduce((sum, p) => {
        try {
          return sum + Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${p}/io`, 'utf8'))?.[1] ?? 0);
        } catch {
          return sum;
        }
      }, 0);
    assert.ok(await until(() => writes() > MiB), `stress-ng wrote ${writes()} bytes`);
    assert.ok(existsSync(dir));
    await undo('stress_io', {}, n);
    assert.ok(!existsSync(dir), 'the temporary directory is removed');
  });

  it('stop_stress never signals a pid that is not that stressor', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => sleeper.once('spawn', r));
    try {
      const r = await call('stress_cpu', { cores: 1, load: 10, duration: 2, engine: 'builtin', wait: false });
      const [pid] = r.pids;
      assert.deepEqual(await call('stop_stress', { pids: [{ pid, start_time: r.start_time + 1 }, sleeper.pid] }), { stopped: [], not_running: [sleeper.pid, pid].sort((a, b) => a! - b!) });
      assert.ok(stat(pid!) && stat(sleeper.pid!)?.state !== 'Z');
      // no pids: every stressor this process started
      assert.deepEqual(await call('stop_stress', {}), { stopped: [pid], not_running: [] });
      assert.equal(stat(pid!), null);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('refuses, starting nothing: memory beyond the available, too long, too many cores, stress-ng missing', async () => {
    const before = stressors();
    await assert.rejects(call('stress_memory', { bytes: '512G', duration: 1 }), (e: Error) =>
      e instanceof ActivityFailed && /^refusing to stress 512\.0 GiB of memory: .* is available and .* is kept as a safety margin \(at most .*\)$/.test(e.message),
    );
    await assert.rejects(call('stress_memory', { percent: 100, duration: 1 }), /refusing to stress/);
    await assert.rejects(call('stress_cpu', { duration: 3601 }), /argument 'duration' of activity 'stress_cpu': expected a number of at most 3600/);
    await assert.rejects(call('stress_cpu', { cores: 4096, duration: 1 }), /cannot load 4096 cores: this machine has \d+/);
    await assert.rejects(call('stress_memory', { duration: 1 }), /needs exactly one of bytes or percent/);
    await assert.rejects(call('stress_io', { bytes: '1T', duration: 1 }), /cannot write more than 64\.0 GiB per worker/);
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await assert.rejects(call('stress_cpu', { duration: 1, engine: 'stress-ng' }), /stress-ng is not on PATH/);
    } finally {
      process.env.PATH = path;
    }
    assert.deepEqual(stressors(), before);
  });

  it('an interrupted run stops the stressor at once', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(new Error('SIGTERM signal received')), 400);
    const before = new Set(stressors());
    let pid: number | undefined;
    const watch = setInterval(() => (pid ??= stressors().find((p) => !before.has(p))), 20);
    await assert.rejects(call('stress_cpu', { cores: 1, load: 50, duration: 2 }, ac.signal), /SIGTERM signal received/);
    clearInterval(watch);
    assert.ok(performance.now() - t0 < 1500, 'did not wait for the duration');
    assert.ok(pid, 'the stressor was seen running');
    assert.equal(stat(pid!), null);
    assert.deepEqual(group(pid!), []);

    // interrupted while the stressor starts, in the foreground and in the background
    for (const wait of [true, false]) {
      const early = new AbortController();
      const t1 = performance.now();
      const pending = call('stress_cpu', { cores: 1, load: 50, duration: 2, wait }, early.signal);
      setImmediate(() => early.abort(new Error('SIGTERM signal received')));
      await assert.rejects(pending, /SIGTERM signal received/);
      assert.ok(performance.now() - t1 < 1500, 'did not wait for the duration');
      assert.deepEqual(stressors(), []);
    }
  });

  it('a stressor dies with its runner, even a SIGKILLed one', async () => {
    const script = `
      import '${new URL('../../src/providers/index.ts', import.meta.url).pathname}';
      import { getProvider } from '${new URL('../../src/providers/registry.ts', import.meta.url).pathname}';
      const r = await getProvider('python').run({ type: 'action', name: 's', provider: { type: 'python', module: 'turbulence.stress', func: 'stress_cpu',
        arguments: { cores: 1, load: 10, duration: 30, engine: 'stress-ng', wait: false } } }, { configuration: {}, secrets: {} });
      console.log(JSON.stringify(r.pids));
      setInterval(() => {}, 1000);`;
    const runner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = JSON.parse(await new Promise<string>((r) => runner.stdout!.once('data', (d) => r(String(d))))) as number[];
    assert.equal(comm(pids[1]!), 'stress-ng');
    runner.kill('SIGKILL');
    assert.ok(await until(() => group(pids[0]!).length === 0, 3000), `left behind: ${group(pids[0]!)}`);
  });
});

describe('turbulence.stress and turbulence.system in a run (built binary)', () => {
  const bin = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'turbulence-stress-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const python = (module: string, func: string, args: Record<string, unknown>) => ({ type: 'python', module, func, arguments: args });

  /** Runs the experiment; `onStart` gets the runner's process once it runs. */
  async function run(name: string, experiment: object, onStart?: (runner: ChildProcess) => void): Promise<{ code: number; journal: any; stderr: string }> {
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(experiment));
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const runner = execFile(process.execPath, [bin, '--no-log-file', 'run', '--journal-path', `${name}-journal.json`, `${name}.json`], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' } }, (err, _, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
      );
      onStart?.(runner);
    });
    return { code, stderr, journal: JSON.parse(readFileSync(join(dir, `${name}-journal.json`), 'utf8')) };
  }

  it('validate reports out-of-bounds stress arguments at their JSON path', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({
        title: 't',
        description: 'd',
        method: [
          { type: 'action', name: 'a', provider: python('turbulence.stress', 'stress_cpu', { duration: 7200, load: 150 }) },
          { type: 'action', name: 'b', provider: python('turbulence.stress', 'stress_memory', { bytes: 'lots' }) },
          { type: 'probe', name: 'c', provider: python('turbulence.system', 'cpu_usage', { interval: 61 }) },
        ],
      }),
    );
    const out = await new Promise<string>((resolve) =>
      execFile(process.execPath, [bin, '--no-log-file', 'validate', '--json', 'bad.json'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } }, (_, stdout) => resolve(stdout)),
    );
    const problems = (JSON.parse(out) as { problems: { path: string; message: string }[] }).problems.map((p) => [p.path, p.message]).sort();
    assert.deepEqual(problems, [
      ['$.method[0].provider.arguments.duration', "argument 'duration' of activity 'stress_cpu': expected a number of at most 3600"],
      ['$.method[0].provider.arguments.load', "argument 'load' of activity 'stress_cpu': expected a number of at most 100"],
      ['$.method[1].provider.arguments.bytes', `argument 'bytes' of activity 'stress_memory': expected a size such as "512M" or "2G"`],
      ['$.method[2].provider.arguments.interval', "argument 'interval' of activity 'cpu_usage': expected a number of at most 60"],
    ]);
  });

  it('stresses memory in the background and a core in the foreground, probes, and the rollback stops the stress', async () => {
    const { code, journal, stderr } = await run('stress', {
      title: 'the machine keeps room under stress',
      description: 'memory and CPU stress with the system probes as the hypothesis',
      'steady-state-hypothesis': {
        title: 'memory and disk have room',
        probes: [
          { type: 'probe', name: 'memory-in-use', tolerance: { type: 'range', range: [0, 95] }, provider: python('turbulence.system', 'memory_percent', {}) },
          { type: 'probe', name: 'tmp-in-use', tolerance: { type: 'range', range: [0, 99] }, provider: python('turbulence.system', 'disk_percent', { path: '/tmp' }) },
        ],
      },
      method: [
        { type: 'action', name: 'hold-memory', provider: python('turbulence.stress', 'stress_memory', { bytes: '64M', duration: 10, wait: false }) },
        { type: 'action', name: 'load-a-core', provider: python('turbulence.stress', 'stress_cpu', { cores: 1, load: 50, duration: 1, engine: 'builtin' }) },
        { type: 'probe', name: 'cpu', provider: python('turbulence.system', 'cpu_usage', { interval: 0.3 }) },
      ],
      rollbacks: [{ type: 'action', name: 'stop-stress', provider: python('turbulence.stress', 'stop_stress', {}) }],
    });
    assert.equal(code, 0, stderr);
    assert.equal(journal.status, 'completed');
    assert.equal(journal.deviated, false);
    const [memory, cpu, probe] = journal.run.map((r: { output: any }) => r.output);
    assert.equal(memory.engine, 'stress-ng');
    assert.equal(memory.waited, false);
    assert.equal(cpu.engine, 'builtin');
    assert.equal(cpu.reason, 'completed');
    assert.ok(cpu.cpu_seconds > 0.1 && cpu.cpu_seconds < 0.8, `cpu_seconds ${cpu.cpu_seconds}`);
    assert.equal(probe.per_core.length, availableParallelism());
    assert.equal(typeof journal.steady_states.after.probes[0].output, 'number');
    assert.deepEqual(journal.rollbacks[0].output, { stopped: [memory.pids[0]], not_running: [] });
    assert.equal(stat(memory.pids[0]), null);
  });

  it('a background stress does not outlive the run', async () => {
    const { journal } = await run('left', {
      title: 't',
      description: 'd',
      method: [{ type: 'action', name: 'load', provider: python('turbulence.stress', 'stress_cpu', { cores: 1, load: 10, duration: 30, wait: false }) }],
    });
    const [pid] = journal.run[0].output.pids;
    assert.ok(await until(() => group(pid).length === 0, 2000), `left behind: ${group(pid)}`);
  });

  it('SIGTERM during a waited stress fails that activity (as chaoslib) and stops the stressor at once', async () => {
    const t0 = performance.now();
    const { code, journal } = await run(
      'term',
      {
        title: 't',
        description: 'd',
        method: [
          { type: 'action', name: 'burn', provider: python('turbulence.stress', 'stress_cpu', { cores: 1, load: 20, duration: 20 }) },
          { type: 'probe', name: 'memory', provider: python('turbulence.system', 'memory_percent', {}) },
        ],
      },
      (runner) => {
        // once the stressor runs (stress-ng named in /proc), terminate the run
        const poll = setInterval(() => {
          if (readdirSync('/proc').some((p) => /^\d+$/.test(p) && comm(Number(p)) === 'stress-ng' && isDescendant(Number(p), runner.pid!))) {
            clearInterval(poll);
            runner.kill('SIGTERM');
          }
        }, 50);
        runner.once('exit', () => clearInterval(poll));
      },
    );
    assert.ok(performance.now() - t0 < 8000, 'the run did not wait for the stress duration');
    assert.equal(code, 0);
    assert.equal(journal.run[0].status, 'failed');
    assert.deepEqual(journal.run[0].exception, ['chaoslib.exceptions.ActivityFailed: chaoslib.exceptions.InterruptExecution: SIGTERM signal received\n']);
    assert.equal(journal.run[1].status, 'succeeded');
  });
});
