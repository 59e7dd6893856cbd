// The file faults under the fault ledger: what each action decides before changing anything (the inode of the file
// it moves, the backup's path, the previous mode, the filler's name) and the idempotent reverts recover replays.
import { chmodSync, copyFileSync, existsSync, lstatSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { type RevertOutcome, changed, registerReverts, unchanged } from '../../ledger/reverts.ts';
import type { DriverActivity, Intent } from '../define.ts';
import { MODULE } from './actions.ts';
import { backupPath, fsMessage, restore } from './backup.ts';
import { fillerPath, release } from './fill.ts';

type IntentFn = NonNullable<DriverActivity['intent']>;

const revert = (func: string, args: Record<string, string | number>): Intent['revert'] => ({ module: MODULE, func, arguments: args });

const withBackup: IntentFn = (a) => {
  const path = resolve(a.path as string);
  const backup = backupPath(path);
  return { revert: revert('restore_backup', { backup, path }), plan: { backup } };
};

export const intents: Record<string, IntentFn> = {
  move_file: (a) => {
    const src = resolve(a.src as string);
    const st = statSync(src);
    return { revert: revert('unmove', { src, dst: resolve(a.dst as string), ino: st.ino, dev: st.dev, size: st.size }) };
  },
  delete_file: withBackup,
  truncate_file: withBackup,
  corrupt_file: withBackup,
  change_permissions: (a) => {
    const path = resolve(a.path as string);
    return { revert: revert('set_mode', { path, mode: statSync(path).mode & 0o7777 }) };
  },
  fill_filesystem: (a) => {
    const filler = fillerPath(a.path as string);
    return { revert: revert('remove_filler', { filler }), plan: { filler } };
  },
};

registerReverts(MODULE, {
  /** The moved file back at `src`: only when `dst` is that very file (inode) and nothing took `src` meanwhile. */
  unmove: (a): RevertOutcome => {
    const src = a.src as string;
    const dst = a.dst as string;
    let st;
    try {
      st = lstatSync(dst);
    } catch {
      return unchanged(`${dst} does not exist (the file was not moved, or is back)`);
    }
    // a move across filesystems copies: then the size is all that identifies it
    const same = st.ino === a.ino || (st.dev !== a.dev && st.size === a.size);
    if (!same) return unchanged(`${dst} is not the file moved from ${src}`);
    if (existsSync(src)) return unchanged(`${src} exists: not overwriting it with ${dst}`);
    try {
      renameSync(dst, src);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw new Error(`cannot move ${dst} back to ${src}: ${fsMessage(err)}`);
      copyFileSync(dst, src);
      chmodSync(src, st.mode & 0o7777);
      unlinkSync(dst);
    }
    return changed(`moved ${dst} back to ${src}`);
  },
  /** The backup back at `path`, if the backup is still there (it is consumed by the restore). */
  restore_backup: (a): RevertOutcome => {
    const backup = a.backup as string;
    if (!existsSync(backup)) return unchanged(`no backup at ${backup} (the file was not changed, or is restored)`);
    restore(backup, a.path as string);
    return changed(`restored ${a.path} from its backup`);
  },
  set_mode: (a): RevertOutcome => {
    const path = a.path as string;
    const mode = a.mode as number;
    let current;
    try {
      current = statSync(path).mode & 0o7777;
    } catch (err) {
      throw new Error(`cannot set the mode of ${path} back: ${fsMessage(err)}`);
    }
    if (current === mode) return unchanged(`${path} has its mode 0${mode.toString(8)}`);
    chmodSync(path, mode);
    return changed(`set the mode of ${path} back to 0${mode.toString(8)}`);
  },
  remove_filler: (a): RevertOutcome => (release(a.filler as string) ? changed(`removed the filler ${a.filler}`) : unchanged(`no filler at ${a.filler}`)),
});
