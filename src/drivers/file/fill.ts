// Filling a filesystem: a filler file of incompressible data written in the directory until the filesystem is
// `percent` used or `size` bytes are written, within limits checked before the first byte (max_percent, capped at
// 99, and a reserve of free bytes). The filler is always removed when writing fails; with a duration the action
// holds the fault and releases it itself, otherwise its undo (release_filesystem) does.
import { randomBytes } from 'node:crypto';
import { statSync, statfsSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFailed } from '../../errors.ts';
import { int, num, str } from '../../experiment/schema/vocabulary.ts';
import type { NativeContext } from '../../providers/python/native.ts';
import { abortReason } from '../../providers/abort.ts';
import { type DriverActivity, TargetProblem } from '../define.ts';
import { fsMessage } from './backup.ts';
import { existing, writable } from './preflight.ts';

export const MODULE = 'turbulence.file';
/** No fill may take a filesystem above this, whatever max_percent says. */
export const HARD_MAX_PERCENT = 99;
export const DEFAULT_RESERVE = 64 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const FILLER = /^turbulence-fill-[0-9a-z-]+\.fill$/;

interface Usage {
  /** bytes in use and bytes available to unprivileged users; df's Use% is used / (used + avail) */
  used: number;
  avail: number;
  blockSize: number;
}

function usage(dir: string): Usage {
  const s = statfsSync(dir);
  return { used: (s.blocks - s.bfree) * s.bsize, avail: s.bavail * s.bsize, blockSize: s.bsize };
}

const percentUsed = (u: Usage, extra = 0) => ((u.used + extra) / (u.used + u.avail)) * 100;
const round1 = (n: number) => Math.round(n * 10) / 10;

function human(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = bytes;
  while (Math.abs(v) >= 1024 && i < units.length - 1) [v, i] = [v / 1024, i + 1];
  return i === 0 ? `${v} bytes` : `${round1(v)} ${units[i]}`;
}

export interface FillPlan {
  dir: string;
  bytes: number;
  before: Usage;
}

/** How much to write, or a TargetProblem when the directory is unusable or the fill would break a limit. */
export function planFill(a: Record<string, unknown>): FillPlan {
  const dir = resolve(a.path as string);
  const size = a.size as number | null;
  const percent = a.percent as number | null;
  const maxPercent = a.max_percent as number;
  const reserve = a.reserve_bytes as number;
  if ((size === null) === (percent === null)) throw new ActivityFailed('fill_filesystem needs exactly one of size or percent');
  if (!existing(dir, 'path').isDirectory()) throw new TargetProblem(`${dir} is not a directory`, 'missing', 'path');
  writable(dir, 'the filler in', 'path');
  const before = usage(dir);
  const argument = size === null ? 'percent' : 'size';
  let bytes = size ?? 0;
  if (percent !== null) {
    // whole blocks: a partial last block takes a full one anyway
    const wanted = Math.ceil((percent / 100) * (before.used + before.avail) - before.used);
    bytes = Math.ceil(wanted / before.blockSize) * before.blockSize;
    if (bytes <= 0) {
      throw new TargetProblem(`the filesystem of ${dir} is already ${round1(percentUsed(before))}% used, at or above the ${percent}% asked`, 'limit', 'percent');
    }
  }
  // a percentage asked is what is reached: rounding up to whole blocks does not count against max_percent
  const after = percent ?? percentUsed(before, bytes);
  if (after > maxPercent) {
    throw new TargetProblem(
      `filling ${human(bytes)} would take the filesystem of ${dir} to ${round1(after)}% used, above max_percent ${maxPercent}%`,
      'limit',
      argument,
    );
  }
  if (before.avail - bytes < reserve) {
    const left = Math.max(0, before.avail - bytes);
    throw new TargetProblem(
      `filling ${human(bytes)} would leave ${human(left)} free on the filesystem of ${dir}, less than reserve_bytes (${human(reserve)})`,
      'limit',
      argument,
    );
  }
  return { dir, bytes, before };
}

/** Writes the filler; on any failure (ENOSPC, an interruption) removes what was written and fails. */
async function write(plan: FillPlan, signal: AbortSignal | undefined, file = fillerPath(plan.dir)): Promise<string> {
  // random data: zeros could be compressed or deduplicated away by the filesystem, leaving the space free
  const chunk = randomBytes(Math.min(CHUNK, plan.bytes));
  let written = 0;
  let fh;
  try {
    fh = await open(file, 'wx', 0o600);
  } catch (err) {
    throw new ActivityFailed(`cannot create a filler in ${plan.dir}: ${fsMessage(err)}`);
  }
  try {
    while (written < plan.bytes) {
      if (signal?.aborted) throw abortReason(signal);
      const { bytesWritten } = await fh.write(chunk, 0, Math.min(chunk.length, plan.bytes - written));
      written += bytesWritten;
    }
    // allocate for real now (delayed allocation would otherwise hold the blocks back)
    await fh.sync();
    await fh.close();
    return file;
  } catch (err) {
    await fh.close().catch(() => {});
    remove(file);
    if (signal?.aborted) throw abortReason(signal);
    throw new ActivityFailed(`filling ${plan.dir} failed after ${human(written)}: ${fsMessage(err)}; the filler was removed`);
  }
}

/** The filler's name in `dir`: chosen before the fault, so the fault ledger records it first. */
export function fillerPath(dir: string): string {
  return join(resolve(dir), `turbulence-fill-${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.fill`);
}

/** Removes a filler; false when it is already gone. Only files named as fill_filesystem names them. */
export function release(filler: string): boolean {
  if (!FILLER.test(basename(filler))) throw new ActivityFailed(`${filler} is not a filler made by fill_filesystem`);
  try {
    if (!statSync(filler).isFile()) throw new ActivityFailed(`${filler} is not a regular file`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err instanceof ActivityFailed ? err : new ActivityFailed(`cannot release ${filler}: ${fsMessage(err)}`);
  }
  remove(filler);
  return true;
}

function remove(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ActivityFailed(`cannot remove the filler ${file}: ${fsMessage(err)}`);
  }
}

async function fill(a: Record<string, unknown>, ctx: NativeContext, planned?: unknown): Promise<Record<string, unknown>> {
  const plan = planFill(a);
  const filler = await write(plan, ctx.signal, (planned as { filler?: string } | undefined)?.filler);
  const result = {
    path: filler,
    bytes: plan.bytes,
    used_percent_before: round1(percentUsed(plan.before)),
    used_percent: round1(percentUsed(usage(plan.dir))),
    released: false,
  };
  const duration = a.duration as number | null;
  if (duration === null) return result;
  try {
    await sleep(duration * 1000, undefined, { signal: ctx.signal });
  } catch (err) {
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
    throw err;
  } finally {
    remove(filler);
  }
  return { ...result, released: true };
}

const directory = str({ minLength: 1, description: 'a directory on the filesystem to fill (the filler is created in it)' });

export const fillActions: DriverActivity[] = [
  {
    name: 'fill_filesystem',
    kind: 'action',
    doc:
      'Write a filler file of random data in the directory `path` until its filesystem is `percent` used (as df counts ' +
      'Use%) or `size` bytes are written. Refused before writing when the filesystem would go above `max_percent` ' +
      `(at most ${HARD_MAX_PERCENT}) or keep less than \`reserve_bytes\` free. With \`duration\` (seconds) the fault is ` +
      'held then released before returning; otherwise undone by release_filesystem. A failed write removes the filler.',
    arguments: [
      { name: 'path', schema: directory },
      { name: 'size', schema: int({ minimum: 1, description: 'bytes to write' }), default: null },
      { name: 'percent', schema: num({ minimum: 0, maximum: 100, description: 'the Use% to reach' }), default: null },
      { name: 'duration', schema: num({ minimum: 0, description: 'seconds to hold the fault before releasing it' }), default: null },
      { name: 'max_percent', schema: num({ minimum: 0, maximum: HARD_MAX_PERCENT }), default: 95 },
      { name: 'reserve_bytes', schema: int({ minimum: 0, description: 'free bytes the filesystem must keep' }), default: DEFAULT_RESERVE },
    ],
    returns: 'mapping',
    preflight: (a) => void planFill(a),
    run: fill,
    undo: (_, r) => {
      const { path, released } = r as { path: string; released: boolean };
      return released ? null : { module: MODULE, func: 'release_filesystem', arguments: { filler: path } };
    },
  },
  {
    name: 'release_filesystem',
    kind: 'action',
    doc: 'Remove a filler written by fill_filesystem (its result\'s `path`); false when it was already gone.',
    arguments: [{ name: 'filler', schema: str({ minLength: 1, description: 'the filler file' }) }],
    returns: 'boolean',
    run: (a) => release(a.filler as string),
  },
];
