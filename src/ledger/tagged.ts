// Processes a fault starts (start_process, stressors) carry TURBULENCE_FAULT=<tag> in their environment, chosen before
// they start, so that the ledger's revert finds them — and their children, which inherit it — after a crash, without
// ever signalling a process that merely reuses a recorded pid.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const TAG_VARIABLE = 'TURBULENCE_FAULT';

export function newTag(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

/** The live processes whose environment holds the tag (not this process), by pid. */
export function taggedProcesses(tag: string): number[] {
  const wanted = `${TAG_VARIABLE}=${tag}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const s = state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3);
      if (s === 'Z' || s === 'X') continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(wanted)) found.push(Number(entry));
    } catch {
      // gone, or another user's
    }
  }
  return found;
}

/** SIGTERM (and SIGCONT, so a paused one can act on it) to the tagged processes, SIGKILL after `graceMs`; their count. */
export async function stopTagged(tag: string, graceMs = 3000): Promise<number> {
  const pids = taggedProcesses(tag);
  for (const pid of pids) {
    for (const signal of ['SIGTERM', 'SIGCONT'] as const) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  }
  const until = performance.now() + graceMs;
  while (taggedProcesses(tag).length > 0 && performance.now() < until) await sleep(25);
  for (const pid of taggedProcesses(tag)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  return pids.length;
}
