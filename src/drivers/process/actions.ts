// Process faults: signal, pause and resume the selected processes, or start one. Each action names its undo.
import { spawn } from 'node:child_process';
import { ActivityFailed } from '../../errors.ts';
import { arr, map, oneOf, str } from '../../experiment/schema/vocabulary.ts';
import type { DriverActivity } from '../define.ts';
import { describeSelector, findProcesses, selector, selectorArguments } from './procfs.ts';

export const MODULE = 'turbulence.process';

const SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGSTOP', 'SIGCONT'];

/** Sends `signal` to every selected process; a selector that matches nothing fails the activity. */
function signalAll(args: Record<string, unknown>, signal: NodeJS.Signals): { pids: number[]; signal: string } {
  const s = selector(args);
  const pids = findProcesses(s);
  if (pids.length === 0) throw new ActivityFailed(`no process matches ${describeSelector(s)}`);
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
  if (sent.length === 0) throw new ActivityFailed(`no process matches ${describeSelector(s)} (they exited)`);
  return { pids: sent, signal };
}

export const actions: DriverActivity[] = [
  {
    name: 'kill_process',
    kind: 'action',
    doc: 'Send a signal (SIGTERM unless said) to every process the selector matches (pid, name, pattern, port). Returns the pids signalled.',
    arguments: [...selectorArguments, { name: 'signal', schema: oneOf(SIGNALS), default: 'SIGTERM' }],
    returns: 'mapping',
    run: (a) => signalAll(a, a.signal as NodeJS.Signals),
  },
  {
    name: 'pause_process',
    kind: 'action',
    doc: 'Pause the selected processes with SIGSTOP; undone by resuming them (SIGCONT).',
    arguments: selectorArguments,
    returns: 'mapping',
    run: (a) => signalAll(a, 'SIGSTOP'),
    undo: (_, result) => ({ module: MODULE, func: 'resume_process', arguments: { pid: (result as { pids: number[] }).pids } }),
  },
  {
    name: 'resume_process',
    kind: 'action',
    doc: 'Resume paused processes with SIGCONT.',
    arguments: selectorArguments,
    returns: 'mapping',
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
    run: (a) => start(a.argv as string[], a.cwd as string | null, a.env as Record<string, string> | null),
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
