// The system probes against the machine's own figures: /proc/meminfo and /proc/loadavg read here, `df` for the
// file system, and a two-core builtin CPU stress that the CPU probe must see.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { after, describe, it } from 'node:test';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { getProvider } from '../../src/providers/registry.ts';

const provider = getProvider('python')!;
const call = (module: string, func: string, args: Record<string, unknown> = {}) => {
  const activity = { type: 'probe', name: func, provider: { type: 'python', module, func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {} }) as Promise<any>;
};
const probe = (func: string, args?: Record<string, unknown>) => call('turbulence.system', func, args);

after(() => call('turbulence.stress', 'stop_stress', {}));

function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync('/proc/meminfo', 'utf8').trim().split('\n')) {
    const [k, v] = line.split(/:\s+/);
    out[k!] = parseInt(v!, 10) * 1024;
  }
  return out;
}

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (±${tolerance})`);

describe('turbulence.system', () => {
  it('memory_usage agrees with /proc/meminfo; memory_percent is its percent', async () => {
    const m = await probe('memory_usage');
    const ref = meminfo();
    assert.equal(m.total, ref.MemTotal);
    // other processes allocate meanwhile: 64 MiB of slack
    near(m.available, ref.MemAvailable!, 64 * 2 ** 20, 'available');
    assert.equal(m.used, m.total - m.available);
    near(m.percent, (100 * m.used) / m.total, 0.05, 'percent');
    assert.equal(m.swap_total, ref.SwapTotal);
    near(await probe('memory_percent'), m.percent, 1, 'memory_percent');
  });

  it('disk_usage agrees with df; disk_percent is its percent', async () => {
    const [size, used, avail, pcent] = execFileSync('df', ['-B1', '--output=size,used,avail,pcent', '/tmp'], { encoding: 'utf8' })
      .trim()
      .split('\n')[1]!
      .trim()
      .split(/\s+/);
    const d = await probe('disk_usage', { path: '/tmp' });
    assert.equal(d.path, '/tmp');
    assert.equal(d.total, Number(size));
    // other helpers write files meanwhile: 256 MiB of slack
    near(d.used, Number(used), 2 ** 28, 'used');
    near(d.free, Number(avail), 2 ** 28, 'free');
    // df rounds its Use% up
    near(d.percent, parseInt(pcent!, 10) - 0.5, 0.6, 'percent');
    near(await probe('disk_percent', { path: '/tmp' }), d.percent, 0.2, 'disk_percent');
    assert.equal((await probe('disk_usage')).path, '/');
    await assert.rejects(probe('disk_usage', { path: '/no/such/dir' }), (e: Error) => e instanceof ActivityFailed && e.message === 'cannot read the file-system usage of /no/such/dir: ENOENT');
  });

  it('load_average agrees with /proc/loadavg', async () => {
    const l = await probe('load_average');
    const [l1, l5, l15, tasks] = readFileSync('/proc/loadavg', 'utf8').trim().split(/\s+/);
    near(l.load1, Number(l1), 0.5, 'load1');
    near(l.load5, Number(l5), 0.2, 'load5');
    near(l.load15, Number(l15), 0.1, 'load15');
    near(l.processes, Number(tasks!.split('/')[1]), 50, 'processes');
  });

  it('cpu_usage sees every core busy while a builtin stress loads them all', async () => {
    const cores = availableParallelism();
    const stress = await call('turbulence.stress', 'stress_cpu', { cores, load: 100, duration: 2, engine: 'builtin', wait: false });
    try {
      const u = await probe('cpu_usage', { interval: 0.5 });
      assert.equal(u.cores, cores);
      assert.equal(u.per_core.length, cores);
      assert.equal(u.interval, 0.5);
      assert.ok(u.percent >= 80, `busy ${u.percent}%`);
      for (const p of u.per_core) assert.ok(p >= 70 && p <= 100, `core busy ${p}%`);
      // busy time is user + system + steal time
      near(u.percent, u.user + u.system + u.steal, 0.3, 'breakdown');
      const p = await probe('cpu_percent', { interval: 0.3 });
      assert.ok(p >= 80 && p <= 100, `cpu_percent ${p}`);
    } finally {
      await call('turbulence.stress', 'stop_stress', { pids: stress.pids });
    }
  });

  it('bounds the measuring interval', async () => {
    await assert.rejects(probe('cpu_usage', { interval: 61 }), /argument 'interval' of activity 'cpu_usage': expected a number of at most 60/);
    await assert.rejects(probe('cpu_percent', { interval: 0 }), /argument 'interval' of activity 'cpu_percent': expected a number of at least 0.05/);
  });
});
