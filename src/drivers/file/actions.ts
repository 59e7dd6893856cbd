// File faults: move, delete, truncate, corrupt, change permissions. Every destructive one backs the file up first
// and names the call that reverts it.
import { type Stats, chmodSync, closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { ActivityFailed } from '../../errors.ts';
import { bool, int, str, union } from '../../experiment/schema/vocabulary.ts';
import { type DriverActivity, TargetProblem, type UndoCall } from '../define.ts';
import { backup, fsMessage, restore } from './backup.ts';
import { chmodable, movable, regular, removable, rewritable, writableDir } from './preflight.ts';

export const MODULE = 'turbulence.file';

/** Corrupting more than this at once is a mistake, not a fault. */
const MAX_CORRUPT = 1 << 20;

const path = str({ minLength: 1, description: 'a file path' });
const mode = union([{ when: { type: ['string'] }, node: str({ pattern: '^0?o?[0-7]{3,4}$', formatMessage: 'expected an octal mode such as "0644"' }) }], int({ minimum: 0 }), {
  description: 'a mode: an octal string ("0640") or an integer',
});

/** A regular file that exists, or a clear failure before anything is changed. */
function regularFile(p: string): Stats {
  let st: Stats;
  try {
    st = statSync(p);
  } catch (err) {
    throw new ActivityFailed(`cannot use ${p}: ${fsMessage(err)}`);
  }
  if (!st.isFile()) throw new ActivityFailed(`${p} is not a regular file`);
  return st;
}

/** What the fault ledger's intent chose before the fault (see ledger.ts). */
type Planned = { backup?: string } | undefined;

const restoreCall = (r: unknown): UndoCall => {
  const { path: p, backup: b } = r as { path: string; backup: string };
  return { module: MODULE, func: 'restore_file', arguments: { backup: b, path: p } };
};

function move(src: string, dst: string, overwrite: boolean): { src: string; dst: string } {
  regularFile(src);
  if (!overwrite && existsSync(dst)) throw new ActivityFailed(`cannot move ${src} to ${dst}: the destination exists`);
  try {
    renameSync(src, dst);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw new ActivityFailed(`cannot move ${src} to ${dst}: ${fsMessage(err)}`);
    copyFileSync(src, dst);
    chmodSync(dst, statSync(src).mode & 0o7777);
    unlinkSync(src);
  }
  return { src, dst };
}

function corrupt(p: string, offset: number, count: number, to?: string): { path: string; backup: string; offset: number; bytes: number } {
  const size = regularFile(p).size;
  if (count > MAX_CORRUPT) throw new ActivityFailed(`cannot corrupt more than ${MAX_CORRUPT} bytes at once (asked ${count})`);
  if (offset + count > size) throw new ActivityFailed(`cannot corrupt ${count} bytes at offset ${offset} of ${p}: the file has ${size} bytes`);
  const saved = backup(p, to);
  const fd = openSync(p, 'r+');
  try {
    const buf = Buffer.alloc(count);
    readSync(fd, buf, 0, count, offset);
    // inverting every bit guarantees each byte differs from the original
    for (let i = 0; i < count; i++) buf[i] = buf[i]! ^ 0xff;
    writeSync(fd, buf, 0, count, offset);
  } finally {
    closeSync(fd);
  }
  return { path: p, backup: saved, offset, bytes: count };
}

export function parseMode(m: string | number): number {
  return typeof m === 'number' ? m : parseInt(m.replace(/^0?o/, ''), 8);
}

const octal = (m: number) => `0${m.toString(8).padStart(3, '0')}`;

export const actions: DriverActivity[] = [
  {
    name: 'move_file',
    kind: 'action',
    doc: 'Move (rename) a file; fails when the destination exists unless overwrite. Undone by moving it back.',
    arguments: [
      { name: 'src', schema: path },
      { name: 'dst', schema: path },
      { name: 'overwrite', schema: bool(), default: false },
    ],
    returns: 'mapping',
    preflight: (a) => movable(a.src as string, a.dst as string, a.overwrite as boolean),
    run: (a) => move(a.src as string, a.dst as string, a.overwrite as boolean),
    undo: (_, r) => {
      const { src, dst } = r as { src: string; dst: string };
      return { module: MODULE, func: 'move_file', arguments: { src: dst, dst: src } };
    },
  },
  {
    name: 'delete_file',
    kind: 'action',
    doc: 'Delete a file after backing it up; undone by restoring the backup.',
    arguments: [{ name: 'path', schema: path }],
    returns: 'mapping',
    preflight: (a) => removable(a.path as string),
    run: (a, _, plan) => {
      const p = a.path as string;
      regularFile(p);
      const saved = backup(p, (plan as Planned)?.backup);
      unlinkSync(p);
      return { path: p, backup: saved };
    },
    undo: (_, r) => restoreCall(r),
  },
  {
    name: 'truncate_file',
    kind: 'action',
    doc: 'Truncate a file to `size` bytes (0 unless said) after backing it up; undone by restoring the backup.',
    arguments: [
      { name: 'path', schema: path },
      { name: 'size', schema: int({ minimum: 0 }), default: 0 },
    ],
    returns: 'mapping',
    preflight: (a) => rewritable(a.path as string),
    run: (a, _, plan) => {
      const p = a.path as string;
      regularFile(p);
      const saved = backup(p, (plan as Planned)?.backup);
      truncateSync(p, a.size as number);
      return { path: p, backup: saved };
    },
    undo: (_, r) => restoreCall(r),
  },
  {
    name: 'corrupt_file',
    kind: 'action',
    doc: 'Invert `bytes` bytes (1 unless said, at most 1 MiB) at `offset` of a file after backing it up; undone by restoring the backup.',
    arguments: [
      { name: 'path', schema: path },
      { name: 'offset', schema: int({ minimum: 0 }), default: 0 },
      { name: 'bytes', schema: int({ minimum: 1 }), default: 1 },
    ],
    returns: 'mapping',
    preflight: (a) => {
      const count = a.bytes as number;
      const offset = a.offset as number;
      if (count > MAX_CORRUPT) throw new TargetProblem(`cannot corrupt more than ${MAX_CORRUPT} bytes at once (asked ${count})`, 'limit', 'bytes');
      rewritable(a.path as string);
      const size = regular(a.path as string, 'path').size;
      if (offset + count > size) {
        throw new TargetProblem(`cannot corrupt ${count} bytes at offset ${offset} of ${a.path}: the file has ${size} bytes`, 'limit', 'offset');
      }
    },
    run: (a, _, plan) => corrupt(a.path as string, a.offset as number, a.bytes as number, (plan as Planned)?.backup),
    undo: (_, r) => restoreCall(r),
  },
  {
    name: 'change_permissions',
    kind: 'action',
    doc: 'Change the mode of a file or directory (octal string such as "0000", or an integer); undone by setting the previous mode back.',
    arguments: [
      { name: 'path', schema: path },
      { name: 'mode', schema: mode },
    ],
    returns: 'mapping',
    preflight: (a) => chmodable(a.path as string),
    run: (a) => {
      const p = a.path as string;
      let previous: number;
      try {
        previous = statSync(p).mode & 0o7777;
        chmodSync(p, parseMode(a.mode as string | number));
      } catch (err) {
        throw new ActivityFailed(`cannot change the mode of ${p}: ${fsMessage(err)}`);
      }
      return { path: p, mode: octal(parseMode(a.mode as string | number)), previous_mode: octal(previous) };
    },
    undo: (_, r) => {
      const { path: p, previous_mode } = r as { path: string; previous_mode: string };
      return { module: MODULE, func: 'change_permissions', arguments: { path: p, mode: previous_mode } };
    },
  },
  {
    name: 'restore_file',
    kind: 'action',
    doc: 'Put a backup made by delete_file, truncate_file or corrupt_file back at its path (usable in rollbacks with the action\'s result).',
    arguments: [
      { name: 'backup', schema: path },
      { name: 'path', schema: path },
    ],
    returns: 'string',
    preflight: (a) => {
      writableDir(a.path as string, 'path');
      regular(a.backup as string, 'backup');
    },
    run: (a) => {
      regularFile(a.backup as string);
      restore(a.backup as string, a.path as string);
      return a.path;
    },
  },
];
