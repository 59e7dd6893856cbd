// The bounds every stress stays within: durations, sizes, and the memory and disk space the machine can spare.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ActivityFailed } from '../../errors.ts';
import { type Node, int, num, str, union } from '../../experiment/schema/vocabulary.ts';
import { cgroupMemory, diskUsage, memoryUsage } from '../system/procfs.ts';

export const MAX_DURATION = 3600;
export const MAX_IO_BYTES = 64 * 2 ** 30;
export const MAX_IO_WORKERS = 64;
const MiB = 2 ** 20;

export const durationNode = num({ minimum: 0.1, maximum: MAX_DURATION, description: `seconds the stress lasts (at most ${MAX_DURATION})` });

const SIZE = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i;
/** A size: a number of bytes, or a string such as "512M", "1.5GiB" (binary multiples). */
export const sizeNode: Node = union(
  [{ when: { type: ['string'] }, node: str({ pattern: SIZE.source, formatMessage: 'expected a size such as "512M" or "2G"' }) }],
  int({ minimum: 1 }),
  { description: 'bytes, or a size such as "512M" or "2G"' },
);

export function parseSize(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = SIZE.exec(v.trim())!;
  const unit = 1024 ** 'BKMGT'.indexOf((m[2] || 'B').toUpperCase());
  return Math.floor(Number(m[1]) * unit);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

/** Memory a stress may take: what is available (to the cgroup too), less a margin that keeps the machine usable. */
export function memoryBudget(): { total: number; available: number; margin: number; budget: number } {
  const mem = memoryUsage();
  const cg = cgroupMemory();
  const total = cg ? Math.min(mem.total, cg.limit) : mem.total;
  const available = cg ? Math.min(mem.available, cg.limit - cg.usage) : mem.available;
  const margin = Math.max(256 * MiB, Math.round(total * 0.05));
  return { total, available, margin, budget: Math.max(0, available - margin) };
}

/** Refuses, before anything starts, a memory stress beyond what the machine can spare. */
export function checkMemory(bytes: number): void {
  const { available, margin, budget } = memoryBudget();
  if (bytes > budget) {
    throw new ActivityFailed(
      `refusing to stress ${formatBytes(bytes)} of memory: ${formatBytes(available)} is available and ` +
        `${formatBytes(margin)} is kept as a safety margin (at most ${formatBytes(budget)})`,
    );
  }
}

/** Refuses an I/O stress whose files would not fit in the file system, keeping a margin free. */
export function checkDisk(path: string, bytes: number): void {
  const { free } = diskUsage(path);
  const margin = 256 * MiB;
  if (bytes > free - margin) {
    throw new ActivityFailed(
      `refusing to write ${formatBytes(bytes)} under ${path}: the file system has ${formatBytes(free)} free and ` +
        `${formatBytes(margin)} is kept free`,
    );
  }
}

/** The stress-ng executable on PATH, or null. */
export function findStressNg(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, 'stress-ng');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}
