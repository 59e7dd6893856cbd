// Backups of files a fault changes, kept outside the target's directory (a service globbing its directory must not
// see them) so that the undo can put the original back, mode included.
import { chmodSync, copyFileSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ActivityFailed } from '../../errors.ts';

export function backupDir(): string {
  return process.env.TURBULENCE_BACKUP_DIR ?? join(tmpdir(), 'turbulence-backups');
}

/** Copies `path` into the backup directory; returns the backup's path. */
export function backup(path: string): string {
  const dir = backupDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const to = join(dir, `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}-${basename(path)}`);
  try {
    copyFileSync(path, to);
    chmodSync(to, statSync(path).mode & 0o7777);
  } catch (err) {
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
