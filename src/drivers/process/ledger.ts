// The process faults under the fault ledger: the processes to pause chosen (with their start times) before any is
// signalled, a started process tagged before it starts; and the idempotent reverts recover replays.
import { changed, registerReverts, unchanged } from '../../ledger/reverts.ts';
import { procStart } from '../../ledger/store.ts';
import { TAG_VARIABLE, newTag, stopTagged } from '../../ledger/tagged.ts';
import type { DriverActivity } from '../define.ts';
import { MODULE } from './actions.ts';
import { selectProcesses } from './select.ts';
import { readFileSync } from 'node:fs';

type IntentFn = NonNullable<DriverActivity['intent']>;

export const intents: Record<string, IntentFn> = {
  pause_process: (a) => {
    const pids = selectProcesses(a).map((p) => p.pid);
    const targets = pids.map((pid) => ({ pid, start: procStart(pid) ?? 0 }));
    return { revert: { module: MODULE, func: 'resume_paused', arguments: { targets } }, plan: { pids } };
  },
  start_process: () => {
    const tag = newTag();
    return { revert: { module: MODULE, func: 'stop_tagged', arguments: { tag } }, plan: { env: { [TAG_VARIABLE]: tag } } };
  },
};

function state(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return null;
  }
}

registerReverts(MODULE, {
  /**
   * SIGCONT to each recorded process that is still the one recorded (same start time). Sent whatever /proc says:
   * right after SIGSTOP a process can still read as running, and SIGCONT to a running process changes nothing.
   */
  resume_paused: (a) => {
    const resumed: number[] = [];
    for (const { pid, start } of a.targets as { pid: number; start: number }[]) {
      if (procStart(pid) !== start) continue; // exited; the pid may belong to another process now
      const s = state(pid);
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        continue; // exited meanwhile
      }
      if (s === 'T' || s === 't') resumed.push(pid);
    }
    return resumed.length ? changed(`resumed process ${resumed.join(', ')}`) : unchanged('no recorded process is paused');
  },
  /** Terminates the processes carrying the fault's tag (the started one and its children). */
  stop_tagged: async (a) => {
    const n = await stopTagged(a.tag as string);
    return n ? changed(`terminated ${n} started process(es)`) : unchanged('the started process is not running');
  },
});
