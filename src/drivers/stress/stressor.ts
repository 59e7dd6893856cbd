// Starting, watching and stopping stressor processes. Each runs detached in its own process group (stress-ng and its
// workers join it), so stopping one signals the whole group; a stressor is recognised by its command line and the
// start time /proc gives it, so a pid recycled by another process is never signalled.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityFailed } from '../../errors.ts';
import { TAG_VARIABLE } from '../../ledger/tagged.ts';
import { STRESSOR_MARKER, STRESSOR_SOURCE } from './stressor-script.ts';

export type Engine = 'stress-ng' | 'builtin';

/** What the stressor program is told to do (see stressor-script.ts). */
export interface StressSpec {
  kind: 'cpu' | 'memory' | 'io';
  engine: Engine;
  duration: number;
  cores?: number;
  load?: number;
  bytes?: number;
  workers?: number;
  /** a temporary directory the stressor works in and removes */
  dir?: string;
  /** the stress-ng command line */
  argv?: string[];
  /** the fault ledger's tag, put in the environment of the stressor and of everything it starts */
  tag?: string;
}

/** What the stressor reports when it ends. */
export interface StressReport {
  reason: string;
  elapsed?: number;
  cpu_seconds?: number;
  rss_bytes?: number;
  bytes_written?: number;
  exit_code?: number;
  error?: string;
}

/** A stressor process: its pid, its /proc start time (the fingerprint), and the processes it drives. */
export interface Stressor {
  pid: number;
  engine: Engine;
  started: number;
  /** stress-ng's pid when it drives stress-ng */
  enginePids: number[];
  /** figures known once the load is in place (the built-in memory stressor's resident size) */
  ready: Record<string, unknown>;
  done: Promise<StressReport>;
  /** false: lets the runner exit while the stressor still runs (the runner's exit then stops the stressor) */
  hold(on: boolean): void;
}

/** The stressors this process started and that still run: `stop_stress` without pids stops them. */
export const running = new Map<number, Stressor>();
let exitHook = false;

/** /proc/<pid>/stat: state, process group and start time (clock ticks after boot); null when the process is gone. */
function procStat(pid: number): { state: string; pgrp: number; started: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: f[0]!, pgrp: Number(f[2]), started: Number(f[19]) };
  } catch {
    return null;
  }
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** The process title a stressor gives itself ("turbulence-stressor KIND ENGINE [DIR]"), or its launch command line. */
function stressorTitle(pid: number): string | null {
  const argv = cmdline(pid);
  if (argv[0]?.startsWith(`${STRESSOR_MARKER} `)) return argv[0];
  return argv[1] === '-e' && argv[3] === STRESSOR_MARKER ? STRESSOR_MARKER : null;
}

/** Whether `pid` is a live stressor, and the one started at `started` when that is given. */
export function isStressor(pid: number, started?: number | null): boolean {
  const st = procStat(pid);
  if (st === null || st.state === 'Z' || st.state === 'X') return false;
  if (started != null && st.started !== started) return false;
  return stressorTitle(pid) !== null;
}

/** The largest resident size among the processes of the group `pgid` (stress-ng's memory worker), in bytes. */
export function largestRss(pgid: number): number {
  let largest = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || procStat(Number(entry))?.pgrp !== pgid) continue;
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      largest = Math.max(largest, Number(kb ?? 0) * 1024);
    } catch {
      // gone meanwhile
    }
  }
  return largest;
}

/** Runs the stressor program; resolves once its load is in place (stress-ng started, memory touched). */
export function launch(spec: StressSpec): Promise<Stressor> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // no loaders or flags of the runner in the stressor
  if (spec.tag) env[TAG_VARIABLE] = spec.tag;
  const child = spawn(process.execPath, ['-e', STRESSOR_SOURCE, STRESSOR_MARKER, JSON.stringify(spec)], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  if (!exitHook) {
    exitHook = true;
    // the stressors also watch their stdin; this stops them at once when the runner exits on its own
    process.on('exit', () => {
      for (const s of running.values()) signalGroup(s.pid, 'SIGTERM');
    });
  }
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2048)));
  child.stdin!.on('error', () => {}); // the stressor is gone: its exit says why
  return new Promise((resolve, reject) => {
    let report: StressReport | null = null;
    let stressor: Stressor | null = null;
    let buffered = '';
    const done = new Promise<StressReport>((resolveDone) => {
      // 'close', not 'exit': the report on stdout has then been read
      child.once('close', (code, signal) => {
        running.delete(child.pid!);
        if (spec.dir) rmSync(spec.dir, { recursive: true, force: true });
        // no report: the stressor died (the OOM killer, a SIGKILL) before it could say what it did
        const end = signal ? `killed by ${signal}` : `exited with ${code}`;
        const r = report ?? { reason: end, error: stderr.trim() || `the stressor ${end} without a report` };
        resolveDone(r);
        if (!stressor) reject(new ActivityFailed(`the ${spec.kind} stressor (${spec.engine}) failed to start: ${r.error ?? r.reason}`));
      });
    });
    child.once('error', (err) => reject(new ActivityFailed(`cannot start the ${spec.kind} stressor: ${err.message}`)));
    child.stdout!.on('data', (d) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let msg: { event: string; pids?: number[] } & Record<string, unknown>;
        try {
          msg = JSON.parse(line);
        } catch {
          continue; // not a report: a stray line of the runtime
        }
        const { event, pids, ...figures } = msg;
        if (event === 'done') report = figures as unknown as StressReport;
        else if (event === 'ready' && !stressor) {
          const started = procStat(child.pid!)?.started ?? 0;
          stressor = { pid: child.pid!, engine: spec.engine, started, enginePids: pids ?? [], ready: figures, done, hold: (on) => hold(child, on) };
          running.set(child.pid!, stressor);
          resolve(stressor);
        }
      }
    });
  });
}

function hold(child: ChildProcess, on: boolean): void {
  if (on) child.ref();
  else child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (on ? (s as Socket | null)?.ref : (s as Socket | null)?.unref)?.call(s);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops the stressor `pid` (started at `started`, when given) and everything in its group: SIGTERM, then SIGKILL
 * after a grace period. False when no such stressor runs.
 */
export async function stopStressor(pid: number, started?: number | null): Promise<boolean> {
  if (!isStressor(pid, started)) return false;
  // the working directory the title names, to remove should the stressor die before it could
  const dir = stressorTitle(pid)?.split(' ')[3];
  // one of ours: its exit event must come before this process may end
  const own = running.get(pid);
  own?.hold(true);
  signalGroup(pid, 'SIGTERM');
  const gone = () => !isStressor(pid, started);
  for (let i = 0; i < 60 && !gone(); i++) await sleep(50);
  if (!gone()) {
    signalGroup(pid, 'SIGKILL');
    for (let i = 0; i < 40 && !gone(); i++) await sleep(50);
  }
  await own?.done;
  if (dir?.includes('turbulence-stress-')) rmSync(dir, { recursive: true, force: true });
  return true;
}
