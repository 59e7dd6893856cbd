// Up-front checks of the file actions: the target is there and of the right kind, this user may change it (and its
// directory, for moves and deletions), and the backup directory can take a copy. Nothing is created or changed here.
import { type Stats, accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TargetProblem } from '../define.ts';
import { backupDir, fsMessage } from './backup.ts';

/** The path exists (else a 'missing' problem naming `argument`). */
export function existing(p: string, argument: string): Stats {
  try {
    return statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TargetProblem(`cannot use ${p}: ${fsMessage(err)}`, code === 'EACCES' || code === 'EPERM' ? 'permission' : 'missing', argument);
  }
}

export function regular(p: string, argument: string): Stats {
  const st = existing(p, argument);
  if (!st.isFile()) throw new TargetProblem(`${p} is not a regular file`, 'missing', argument);
  return st;
}

/** access(2) with W_OK: fails on a read-only filesystem even for root, and on an immutable file. */
export function writable(p: string, what: string, argument: string): void {
  try {
    accessSync(p, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'read-only filesystem' : fsMessage(err);
    throw new TargetProblem(`cannot write ${what} ${p}: ${why}`, 'permission', argument);
  }
}

/** Entries can be created and removed in the directory holding `p`. */
export function writableDir(p: string, argument: string): void {
  const dir = dirname(resolve(p));
  const st = existing(dir, argument);
  if (!st.isDirectory()) throw new TargetProblem(`${dir} is not a directory`, 'missing', argument);
  writable(dir, 'in the directory', argument);
}

/** The backup directory exists and is writable, or its nearest existing ancestor is (it is created on first use). */
export function backupsPossible(argument: string): void {
  let dir = resolve(backupDir());
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  writable(dir, 'backups in', argument);
}

/** A regular file that can be backed up and then rewritten in place. */
export function rewritable(p: string, argument = 'path'): void {
  backupsPossible(argument);
  regular(p, argument);
  writable(p, 'the file', argument);
}

/** A regular file that can be backed up and removed from its directory. */
export function removable(p: string, argument = 'path'): void {
  backupsPossible(argument);
  writableDir(p, argument);
  regular(p, argument);
}

/** Permissions first (they hold whatever earlier activities do), then the source is there and the destination free. */
export function movable(src: string, dst: string, overwrite: boolean): void {
  writableDir(src, 'src');
  writableDir(dst, 'dst');
  regular(src, 'src');
  if (!overwrite && existsSync(dst)) throw new TargetProblem(`cannot move ${src} to ${dst}: the destination exists`, 'conflict', 'dst');
}

/** chmod needs the owner (or root) and a writable filesystem. */
export function chmodable(p: string, argument = 'path'): void {
  const st = existing(p, argument);
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0 && st.uid !== uid) throw new TargetProblem(`cannot change the mode of ${p}: not its owner`, 'permission', argument);
  try {
    accessSync(p, constants.W_OK);
  } catch (err) {
    // mode bits do not stop the owner; a read-only filesystem (EROFS) or an immutable file (EPERM) do
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EPERM') {
      throw new TargetProblem(`cannot change the mode of ${p}: ${code === 'EROFS' ? 'read-only filesystem' : 'permission denied'}`, 'permission', argument);
    }
  }
}
