// The fault ledger on disk: one append-only file of JSON lines per run under <state-dir>/ledger/, each record written
// and fsynced before the step it announces, so that a crash (kill -9, a reboot) never leaves a fault the ledger does
// not know. Per-run files keep concurrent runs apart; a partial last line (a crash mid-write) is skipped on reading.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Json } from '../experiment/types.ts';

/** A native call, plain data: what a fault did, or what reverts it. */
export interface Call {
  module: string;
  func: string;
  arguments: Record<string, Json>;
}

/** The first record of a run's file: whose faults these are. */
export interface RunRecord {
  type: 'run';
  run: string;
  pid: number;
  /** the process start time (/proc clock ticks): with the pid, tells a live run from a recycled pid */
  proc_start: number | null;
  started: string;
  title: string | null;
  source: string | null;
  turbulence: string;
}

/** Written before the fault is applied: `revert` is safe to run whether or not the fault then got applied. */
export interface ApplyingRecord {
  type: 'applying';
  fault: number;
  at: string;
  activity: string | null;
  /** where the activity is in the experiment (method[2], rollbacks[0], ...) */
  path: string | null;
  call: Call;
  /** null: the driver cannot tell before applying (the `applied` record then says) */
  revert: Call | null;
  /** the revert needs a secret value, which the ledger never stores (recover cannot run it) */
  redacted?: boolean;
}

/** Written once the action returned: its exact undo (what a rollback calls) and, if known only now, the revert. */
export interface AppliedRecord {
  type: 'applied';
  fault: number;
  at: string;
  /** the driver's undo for this result; null: the action left nothing to revert */
  undo: Call | null;
  revert?: Call | null;
  redacted?: boolean;
}

/** The action failed: part of the fault may be in place, so it stays outstanding (its revert is idempotent). */
export interface FailedRecord {
  type: 'failed';
  fault: number;
  at: string;
  error: string;
}

export interface RevertedRecord {
  type: 'reverted';
  fault: number;
  at: string;
  /** rollback: a rollback activity called the undo; ledger: the run's own revert; recover: `turbulence recover` */
  by: 'rollback' | 'ledger' | 'recover';
  outcome: string;
}

/** A revert that failed (the fault stays outstanding) or that was left undone (--keep-faults, abandoned). */
export interface KeptRecord {
  type: 'kept';
  fault: number;
  at: string;
  reason: string;
}

export type LedgerRecord = RunRecord | ApplyingRecord | AppliedRecord | FailedRecord | RevertedRecord | KeptRecord;

/** --state-dir, else $TURBULENCE_STATE_DIR, else ~/.turbulence. */
export function stateDir(given?: string | null): string {
  return given || process.env.TURBULENCE_STATE_DIR || join(homedir(), '.turbulence');
}

export const ledgerDir = (state: string) => join(state, 'ledger');
/** Where files of runs with nothing outstanding go: kept for a while as an audit trail, out of recover's way. */
export const doneDir = (state: string) => join(state, 'ledger', 'done');
const KEEP_DONE = 100;

/** An append-only ledger file, each record fsynced before append() returns. */
export class LedgerFile {
  private fd: number | null = null;
  constructor(readonly path: string) {}

  append(record: LedgerRecord): void {
    if (this.fd === null) {
      this.fd = openSync(this.path, 'a+', 0o600);
      // a file a crash cut mid-line: start on a line of our own
      const size = statSync(this.path).size;
      if (size === 0) syncDir(dirname(this.path));
      else if (!endsWithNewline(this.fd, size)) writeAll(this.fd, '\n');
    }
    writeAll(this.fd, JSON.stringify(record) + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Creates the ledger directory (owner only) and fsyncs its parent, so the run's file survives a reboot. */
export function createRunFile(state: string, runId: string): LedgerFile {
  const dir = ledgerDir(state);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  syncDir(state);
  return new LedgerFile(join(dir, `${runId}.jsonl`));
}

export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on directories: the records themselves are synced
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, size - 1);
  return b[0] === 0x0a;
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
}

/** The records of one file; a line that is not JSON (the partial last line of a crash) is skipped. */
export function readRecords(path: string): LedgerRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: LedgerRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      if (r && typeof r === 'object' && typeof r.type === 'string') out.push(r);
    } catch {
      // cut by a crash mid-write
    }
  }
  return out;
}

/** The run files in the ledger directory, oldest first (their names begin with the run's start time). */
export function listRunFiles(state: string): string[] {
  let names: string[];
  try {
    names = readdirSync(ledgerDir(state));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.jsonl'))
    .sort()
    .map((n) => join(ledgerDir(state), n));
}

/** Moves a run's file out of the way once nothing of it is outstanding; keeps the newest KEEP_DONE such files. */
export function retire(state: string, path: string): void {
  const done = doneDir(state);
  try {
    mkdirSync(done, { recursive: true, mode: 0o700 });
    renameSync(path, join(done, path.slice(path.lastIndexOf('/') + 1)));
    const old = readdirSync(done).filter((n) => n.endsWith('.jsonl')).sort();
    for (const n of old.slice(0, Math.max(0, old.length - KEEP_DONE))) rmSync(join(done, n), { force: true });
  } catch {
    // an audit file that stays in place is read as a run with nothing outstanding
  }
}

/** /proc/<pid>/stat's start time (field 22), or null when the process is gone (or not Linux). */
export function procStart(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z' || f[0] === 'X') return null;
    return Number(f[19]);
  } catch {
    return null;
  }
}

/** Whether the run's process still runs (the same process: pid and start time). */
export function runAlive(run: Pick<RunRecord, 'pid' | 'proc_start'>): boolean {
  const now = procStart(run.pid);
  if (now === null) return false;
  return run.proc_start === null || now === run.proc_start;
}
