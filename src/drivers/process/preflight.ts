// Up-front checks of the process actions: the selector matches live processes that this user may signal, and a
// command to start can be found and run. Nothing is signalled or started here.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { TargetProblem } from '../define.ts';
import { ActivityFailed } from '../../errors.ts';
import { describeSelector, selector } from './procfs.ts';
import { selectProcesses } from './select.ts';

/** The selected processes exist and kill(pid, 0) is allowed for each (EPERM: another user's process). */
export function signallable(args: Record<string, unknown>): void {
  const s = selector(args);
  const argument = (['pid', 'name', 'pattern', 'port'] as const).find((k) => s[k] !== null);
  let pids: number[];
  try {
    pids = selectProcesses(args).map((p) => p.pid);
  } catch (err) {
    if (err instanceof ActivityFailed && err.message.startsWith('no process matches')) throw new TargetProblem(err.message, 'missing', argument);
    throw err;
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPERM') {
        throw new TargetProblem(`not permitted to signal process ${pid} (matched by ${describeSelector(s)})`, 'permission', argument);
      }
      // ESRCH: it exited since the scan, which the action tolerates
    }
  }
}

/** argv[0] is an executable file (searched in PATH, or the env's PATH, when it has no slash); cwd is a directory. */
export function startable(args: Record<string, unknown>): void {
  const argv = args.argv as string[];
  const cwd = args.cwd as string | null;
  const env = args.env as Record<string, string> | null;
  if (cwd !== null && !isDirectory(cwd)) throw new TargetProblem(`the working directory ${cwd} does not exist or is not a directory`, 'missing', 'cwd');
  const command = argv[0]!;
  if (command.includes('/')) {
    // the child resolves a relative command after changing to cwd
    const file = cwd !== null && !isAbsolute(command) ? join(cwd, command) : command;
    if (!isFile(file)) throw new TargetProblem(`cannot start ${JSON.stringify(command)}: no such file`, 'missing', 'argv');
    if (!executable(file)) throw new TargetProblem(`cannot start ${JSON.stringify(command)}: permission denied`, 'permission', 'argv');
    return;
  }
  const path = env?.PATH ?? process.env.PATH ?? '';
  const found = path.split(delimiter).filter(Boolean).map((d) => join(d, command)).filter(isFile);
  if (found.length === 0) throw new TargetProblem(`cannot start ${JSON.stringify(command)}: not found in PATH`, 'missing', 'argv');
  if (!found.some(executable)) throw new TargetProblem(`cannot start ${JSON.stringify(command)}: permission denied`, 'permission', 'argv');
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
