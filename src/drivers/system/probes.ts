// System probes: CPU, memory, load and disk usage of this machine. The mappings carry every figure (for jsonpath
// tolerances); the *_percent variants return the one number a range tolerance wants.
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFailed } from '../../errors.ts';
import { abortReason } from '../../providers/abort.ts';
import { num, str } from '../../experiment/schema/vocabulary.ts';
import type { DriverActivity } from '../define.ts';
import { busyPercent, cpuTimes, diskUsage, loadAverage, memoryUsage, sharePercent } from './procfs.ts';

export const MODULE = 'turbulence.system';

const MAX_INTERVAL = 60;
const interval = num({ minimum: 0.05, maximum: MAX_INTERVAL, description: 'seconds over which the CPU usage is measured' });
const path = str({ minLength: 1, description: 'a path on the file system to measure' });

export interface CpuUsage {
  percent: number;
  per_core: number[];
  user: number;
  system: number;
  iowait: number;
  steal: number;
  cores: number;
  interval: number;
}

/** CPU busy percent over `seconds`, overall and per core, from two readings of /proc/stat. */
async function cpuUsage(seconds: number, signal?: AbortSignal): Promise<CpuUsage> {
  const before = cpuTimes();
  try {
    await sleep(seconds * 1000, undefined, { signal });
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    throw err;
  }
  const after = cpuTimes();
  if (before.length === 0 || after.length !== before.length) throw new ActivityFailed('cannot read the CPU counters of /proc/stat');
  const [a, b] = [before[0]!, after[0]!];
  return {
    percent: busyPercent(a, b),
    per_core: after.slice(1).map((t, i) => busyPercent(before[i + 1]!, t)),
    user: sharePercent(a, b, 'user'),
    system: sharePercent(a, b, 'system'),
    iowait: sharePercent(a, b, 'iowait'),
    steal: sharePercent(a, b, 'steal'),
    cores: after.length - 1,
    interval: seconds,
  };
}

export const probes: DriverActivity[] = [
  {
    name: 'cpu_usage',
    kind: 'probe',
    doc: 'CPU busy percent over `interval` seconds: percent (all cores), per_core, user, system, iowait, steal, cores.',
    arguments: [{ name: 'interval', schema: interval, default: 1 }],
    returns: 'mapping',
    run: (a, ctx) => cpuUsage(a.interval as number, ctx.signal),
  },
  {
    name: 'cpu_percent',
    kind: 'probe',
    doc: 'CPU busy percent of the whole machine over `interval` seconds, as a number.',
    arguments: [{ name: 'interval', schema: interval, default: 1 }],
    returns: 'number',
    run: async (a, ctx) => (await cpuUsage(a.interval as number, ctx.signal)).percent,
  },
  {
    name: 'memory_usage',
    kind: 'probe',
    doc: 'Memory in bytes: total, available, used (total - available), free, percent (used share), swap_total, swap_used.',
    arguments: [],
    returns: 'mapping',
    run: () => memoryUsage(),
  },
  {
    name: 'memory_percent',
    kind: 'probe',
    doc: 'Percent of the memory in use (not available), as a number.',
    arguments: [],
    returns: 'number',
    run: () => memoryUsage().percent,
  },
  {
    name: 'load_average',
    kind: 'probe',
    doc: 'System load averages (load1, load5, load15), running and total processes, from /proc/loadavg.',
    arguments: [],
    returns: 'mapping',
    run: () => loadAverage(),
  },
  {
    name: 'disk_usage',
    kind: 'probe',
    doc: 'Usage of the file system holding `path`, in bytes: total, used, free (writable by users), percent (as df).',
    arguments: [{ name: 'path', schema: path, default: '/' }],
    returns: 'mapping',
    run: (a) => diskUsage(a.path as string),
  },
  {
    name: 'disk_percent',
    kind: 'probe',
    doc: 'Percent of the file system holding `path` in use (as df), as a number.',
    arguments: [{ name: 'path', schema: path, default: '/' }],
    returns: 'number',
    run: (a) => diskUsage(a.path as string).percent,
  },
];
