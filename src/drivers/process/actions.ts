// Process faults: signal, pause and resume the selected processes, or start one. Each action names its undo.
import { spawn } from 'node:child_process';
import { ActivityFailed } from '../../errors.ts';
import { arr, map, oneOf, str } from '../../experiment/schema/vocabulary.ts';
import type { DriverActivity } from '../define.ts';
import { selectionArguments } from '../targets.ts';
import { signallable, startable } from './preflight.ts';
import { selectorArguments } from './procfs.ts';
import { selectProcesses } from './select.ts';

export const MODULE = 'turbulence.process';

const SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGSTOP', 'SIGCONT'];

/** Sends `signal` to every selected process; a selection that leaves none fails the activity. */
function signalAll(args: Record<string, unknown>, signal: NodeJS.Signals, planned?: number[]): { pids: number[]; signal: string } {
  // the pids the fault ledger recorded before the signal (its intent), when it chose them
  const pids = planned ?? selectProcesses(args).map((p) => p.pid);
  const sent: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      sent.push(pid);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') continue; // exited between the scan and the signal
      throw new ActivityFailed(`cannot send ${signal} to process ${pid}: ${code === 'EPERM' ? 'permission denied' : (err as Error).message}`);
    }
  }
  if (sent.length === 0) throw new ActivityFailed(`the selected processes exited before the signal (${pids.join(', ')})`);
  return { pids: sent, signal };
}

export const actions: DriverActivity[] = [
  {
    name: 'kill_process',
    kind: 'action',
    doc: 'Send a signal (SIGTERM unless said) to every process the selector matches (pid, name, pattern, port). Returns the pids signalled.',
    arguments: [...selectorArguments, { name: 'signal', schema: oneOf(SIGNALS), default: 'SIGTERM' }, ...selectionArguments],
    returns: 'mapping',
    preflight: signallable,
    targets: (a) => selectProcesses(a).map((p) => ({ ...p })),
    run: (a) => signalAll(a, a.signal as NodeJS.Signals),
  },
  {
    name: 'pause_process',
    kind: 'action',
    doc: 'Pause the selected processes with SIGSTOP; undone by resuming them (SIGCONT).',
    arguments: [...selectorArguments, ...selectionArguments],
    returns: 'mapping',
    preflight: signallable,
    targets: (a) => selectProcesses(a).map((p) => ({ ...p })),
    run: (a, _, plan) => signalAll(a, 'SIGSTOP', (plan as { pids?: number[] } | undefined)?.pids),
    undo: (_, result) => ({ module: MODULE, func: 'resume_process', arguments: { pid: (result as { pids: number[] }).pids } }),
  },
  {
    name: 'resume_process',
    kind: 'action',
    doc: 'Resume paused processes with SIGCONT.',
    arguments: [...selectorArguments, ...selectionArguments],
    returns: 'mapping',
    preflight: signallable,
    targets: (a) => selectProcesses(a).map((p) => ({ ...p })),
    run: (a) => signalAll(a, 'SIGCONT'),
  },
  {
    name: 'start_process',
    kind: 'action',
    doc: 'Start a command (argv list) in its own process group, detached from the run; returns its pid. Undone by terminating it.',
    arguments: [
      { name: 'argv', schema: arr(str(), { minItems: 1 }) },
      { name: 'cwd', schema: str({ minLength: 1 }), default: null },
      { name: 'env', schema: map(str(), { description: 'variables added to the inherited environment' }), default: null },
    ],
    returns: 'integer',
    preflight: startable,
    run: (a, _, plan) => start(a.argv as string[], a.cwd as string | null, { ...(a.env as Record<string, string> | null), ...(plan as { env?: Record<string, string> } | undefined)?.env }),
    undo: (_, pid) => ({ module: MODULE, func: 'kill_process', arguments: { pid: pid as number, signal: 'SIGTERM' } }),
  },
];

function start(argv: string[], cwd: string | null, env: Record<string, string> | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: cwd ?? undefined,
      env: env ? { ...process.env, ...env } : process.env,
      detached: true,
      stdio: 'ignore',
    });
    child.once('error', (err) => reject(new ActivityFailed(`cannot start ${JSON.stringify(argv[0])}: ${err.message}`)));
    child.once('spawn', () => {
      child.unref();
      resolve(child.pid!);
    });
  });
}
