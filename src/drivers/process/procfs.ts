// Finding processes on Linux through /proc: by pid, name, command-line pattern or listening TCP port. Turbulence
// itself, pid 1 and its own process group are never returned, so a broad selector cannot take down the runner.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { ActivityFailed } from '../../errors.ts';
import { arr, int, str, union, type Node } from '../../experiment/schema/vocabulary.ts';
import type { DriverArgument } from '../define.ts';

/** /proc holds far fewer entries than this; the bound keeps every scan finite whatever the machine. */
const MAX_ENTRIES = 1_000_000;

export interface Selector {
  pid: number | number[] | null;
  name: string | null;
  pattern: string | null;
  port: number | null;
}

const pidNode: Node = union([{ when: { type: ['array'] }, node: arr(int({ minimum: 1 }), { minItems: 1 }) }], int({ minimum: 1 }), {
  description: 'a process id or a list of them',
});
export const portNode = int({ minimum: 1, description: 'a TCP port' });

/** The selector arguments every process activity takes; the given ones must all match. */
export const selectorArguments: DriverArgument[] = [
  { name: 'pid', schema: pidNode, default: null },
  { name: 'name', schema: str({ minLength: 1, description: 'the executable name (/proc/<pid>/comm or argv[0])' }), default: null },
  { name: 'pattern', schema: str({ minLength: 1, description: 'a regular expression searched in the command line' }), default: null },
  { name: 'port', schema: portNode, default: null },
];

export function selector(args: Record<string, unknown>): Selector {
  const s = args as unknown as Selector;
  if (s.pid === null && s.name === null && s.pattern === null && s.port === null) {
    throw new ActivityFailed('no process selector given: pass at least one of pid, name, pattern or port');
  }
  return s;
}

export function describeSelector(s: Selector): string {
  const parts = (['pid', 'name', 'pattern', 'port'] as const).filter((k) => s[k] !== null).map((k) => `${k}=${JSON.stringify(s[k])}`);
  return parts.join(', ');
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .slice(0, MAX_ENTRIES)
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** State (R, S, Z...) and process group, from /proc/<pid>/stat; null when the process is gone. */
function stat(pid: number): { state: string; pgrp: number } | null {
  const text = read(`/proc/${pid}/stat`);
  if (text === null) return null;
  // the command name (field 2) may hold spaces and parentheses: the fields after it follow the last ')'
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: rest[0]!, pgrp: Number(rest[2]) };
}

/** Whether the process exists and is not a zombie. */
export function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

/** The inodes of the TCP sockets listening on `port` (IPv4 and IPv6). */
export function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (read(file) ?? '').split('\n').slice(1, MAX_ENTRIES);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A: LISTEN
      const local = f[1]!;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) inodes.add(f[9]!);
    }
  }
  return inodes;
}

function ownsSocket(pid: number, inodes: Set<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`).slice(0, MAX_ENTRIES);
  } catch {
    return false; // another user's process, or gone
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1]!)) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** A process as a target list shows it: its pid, executable name and command line ('' once it is gone). */
export function describeProcess(pid: number): { pid: number; name: string; cmdline: string } {
  const argv = (read(`/proc/${pid}/cmdline`) ?? '').split('\0');
  if (argv.at(-1) === '') argv.pop();
  return { pid, name: (read(`/proc/${pid}/comm`) ?? '').trim(), cmdline: argv.join(' ') };
}

/**
 * The live processes matching every given criterion, except pid 1, Turbulence and its process group; `sheltered`
 * counts the matches left out for being Turbulence's own, so that an empty result can say why.
 */
export function findProcesses(s: Selector, sheltered = { count: 0 }): number[] {
  let regex: RegExp | null = null;
  if (s.pattern !== null) {
    try {
      regex = new RegExp(s.pattern);
    } catch (err) {
      throw new ActivityFailed(`invalid process pattern ${JSON.stringify(s.pattern)}: ${(err as Error).message}`);
    }
  }
  const wanted = s.pid === null ? null : new Set(Array.isArray(s.pid) ? s.pid : [s.pid]);
  const inodes = s.port === null ? null : listeningInodes(s.port);
  const ownGroup = stat(process.pid)?.pgrp;
  const found: number[] = [];
  for (const pid of wanted ? [...wanted] : pids()) {
    if (pid === 1) continue;
    const st = stat(pid);
    if (st === null || st.state === 'Z' || st.state === 'X') continue;
    const own = pid === process.pid || st.pgrp === ownGroup;
    if (s.name !== null || regex) {
      const argv = (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
      if (s.name !== null) {
        const comm = (read(`/proc/${pid}/comm`) ?? '').trim();
        const argv0 = (argv[0] ?? '').split('/').pop();
        if (comm !== s.name && argv0 !== s.name) continue;
      }
      if (regex && !regex.test(argv.join(' '))) continue;
    }
    if (inodes && (inodes.size === 0 || !ownsSocket(pid, inodes))) continue;
    if (own) sheltered.count++;
    else found.push(pid);
  }
  return found;
}
