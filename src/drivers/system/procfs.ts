// The machine's figures as Linux publishes them: CPU time counters (/proc/stat), memory (/proc/meminfo, and the
// memory cgroup the run is confined to), load (/proc/loadavg) and file-system usage (statfs).
import { readFileSync, statfsSync } from 'node:fs';
import { ActivityFailed } from '../../errors.ts';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ActivityFailed(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Cumulative CPU time of one CPU line of /proc/stat, in clock ticks. */
export interface CpuTimes {
  user: number;
  system: number;
  idle: number;
  iowait: number;
  steal: number;
  total: number;
}

/** The aggregate line first, then one per core. */
export function cpuTimes(): CpuTimes[] {
  const lines = read('/proc/stat')
    .split('\n')
    .filter((l) => /^cpu\d* /.test(l));
  return lines.map((line) => {
    // user nice system idle iowait irq softirq steal (guest time is already counted in user and nice)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { user: user + nice, system: system + irq + softirq, idle, iowait, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
  });
}

/** Busy share between two readings, in percent with one decimal (as psutil rounds). */
export function busyPercent(a: CpuTimes, b: CpuTimes): number {
  const total = b.total - a.total;
  return total > 0 ? round1((100 * (total - (b.idle - a.idle) - (b.iowait - a.iowait))) / total) : 0;
}

export function sharePercent(a: CpuTimes, b: CpuTimes, key: keyof CpuTimes): number {
  const total = b.total - a.total;
  return total > 0 ? round1((100 * (b[key] - a[key])) / total) : 0;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;

/** /proc/meminfo figures, in bytes. */
export function meminfo(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of read('/proc/meminfo').split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?: kB)?$/.exec(line.trim());
    if (m) out[m[1]!] = Number(m[2]) * (line.endsWith('kB') ? 1024 : 1);
  }
  return out;
}

/**
 * Limit and usage of the memory cgroup this process is in (v2 memory.max, else v1 memory.limit_in_bytes); null when
 * there is no limit below the machine's memory.
 */
export function cgroupMemory(): { limit: number; usage: number } | null {
  const own = readOptional('/proc/self/cgroup') ?? '';
  const v2 = /^0::(.*)$/m.exec(own)?.[1];
  const candidates: [string, string][] = [];
  if (v2 !== undefined) candidates.push([`/sys/fs/cgroup${v2}/memory.max`, `/sys/fs/cgroup${v2}/memory.current`]);
  candidates.push(['/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory/memory.usage_in_bytes']);
  for (const [limitFile, usageFile] of candidates) {
    const limit = Number(readOptional(limitFile)?.trim());
    const usage = Number(readOptional(usageFile)?.trim());
    // "max" (v2) or a huge page-rounded number (v1) mean no limit
    if (Number.isFinite(limit) && Number.isFinite(usage) && limit < 2 ** 60) return { limit, usage };
  }
  return null;
}

export interface MemoryUsage {
  total: number;
  available: number;
  used: number;
  free: number;
  percent: number;
  swap_total: number;
  swap_used: number;
}

/** Memory as psutil.virtual_memory() counts it: used is what is not available, percent its share of the total. */
export function memoryUsage(): MemoryUsage {
  const m = meminfo();
  const total = m.MemTotal ?? 0;
  const available = m.MemAvailable ?? (m.MemFree ?? 0) + (m.Cached ?? 0) + (m.Buffers ?? 0);
  const swapTotal = m.SwapTotal ?? 0;
  return {
    total,
    available,
    used: total - available,
    free: m.MemFree ?? 0,
    percent: total > 0 ? round1((100 * (total - available)) / total) : 0,
    swap_total: swapTotal,
    swap_used: swapTotal - (m.SwapFree ?? 0),
  };
}

export function loadAverage(): { load1: number; load5: number; load15: number; running: number; processes: number } {
  const [l1, l5, l15, tasks = '0/0'] = read('/proc/loadavg').trim().split(/\s+/);
  const [running, processes] = tasks.split('/').map(Number);
  return { load1: Number(l1), load5: Number(l5), load15: Number(l15), running: running!, processes: processes! };
}

export interface DiskUsage {
  path: string;
  total: number;
  used: number;
  free: number;
  percent: number;
}

/** As df and psutil.disk_usage count: free is what unprivileged users may still write, percent = used / (used + free). */
export function diskUsage(path: string): DiskUsage {
  let s;
  try {
    s = statfsSync(path);
  } catch (err) {
    throw new ActivityFailed(`cannot read the file-system usage of ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const total = s.blocks * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  const free = s.bavail * s.bsize;
  return { path, total, used, free, percent: used + free > 0 ? round1((100 * used) / (used + free)) : 0 };
}
