// Backups of files a fault changes, kept outside the target's directory (a service globbing its directory must not
// see them) so that the undo can put the original back, mode included. They live in the state directory (not /tmp,
// which a reboot may empty) so that `turbulence recover` finds them after a crash; a backup exists under its final
// name only once complete, so the fault ledger's revert never restores half a file.
import { chmodSync, closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ActivityFailed } from '../../errors.ts';
import { stateDir } from '../../ledger/store.ts';

export function backupDir(): string {
  return resolve(process.env.TURBULENCE_BACKUP_DIR ?? join(stateDir(), 'backups'));
}

/** Where a backup of `path` would go: chosen before the fault, so the ledger records it first. */
export function backupPath(path: string): string {
  return join(backupDir(), `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}-${basename(path)}`);
}

/** Copies `path` to `to` (a new path in the backup directory unless given), synced; returns the backup's path. */
export function backup(path: string, to = backupPath(path)): string {
  mkdirSync(backupDir(), { recursive: true, mode: 0o700 });
  const partial = `${to}.partial`;
  try {
    copyFileSync(path, partial);
    chmodSync(partial, statSync(path).mode & 0o7777);
    const fd = openSync(partial, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, to);
  } catch (err) {
    try {
      unlinkSync(partial);
    } catch {
      // never written
    }
    throw new ActivityFailed(`cannot back up ${path}: ${fsMessage(err)}`);
  }
  return to;
}

/** Puts the backup back at `path` (replacing what is there) and removes it. */
export function restore(backupPath: string, path: string): void {
  try {
    renameSync(backupPath, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw new ActivityFailed(`cannot restore ${path} from ${backupPath}: ${fsMessage(err)}`);
    copyFileSync(backupPath, path);
    chmodSync(path, statSync(backupPath).mode & 0o7777);
    unlinkSync(backupPath);
  }
}

/** A Node fs error as a short sentence: "no such file or directory" rather than "ENOENT: ..., open 'x'". */
export function fsMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'EEXIST':
      return 'already exists';
    default:
      return e.message;
  }
}
