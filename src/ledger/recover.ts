// Reading the ledger back: the faults of runs whose process is gone (kill -9, a crash, a reboot) that were never
// reverted, and reverting them, newest first, each result appended to its run's file.
import { runRevert } from './run-ledger.ts';
import { type ApplyingRecord, type Call, LedgerFile, type RunRecord, listRunFiles, readRecords, retire, runAlive } from './store.ts';

export interface OutstandingFault {
  run: string;
  file: string;
  fault: number;
  at: string;
  activity: string | null;
  path: string | null;
  title: string | null;
  call: Call;
  revert: Call | null;
  /** applying: the run stopped while applying it; failed: the action failed (part of it may be applied) */
  state: 'applying' | 'applied' | 'failed' | 'kept';
  /** why it cannot be replayed, if so */
  problem?: string;
}

export interface RunFaults {
  run: RunRecord;
  file: string;
  alive: boolean;
  faults: OutstandingFault[];
}

/** Every run in the ledger with its outstanding faults (newest run first, newest fault first). */
export function readLedger(state: string): RunFaults[] {
  const runs: RunFaults[] = [];
  for (const file of listRunFiles(state)) {
    const records = readRecords(file);
    const run = records.find((r) => r.type === 'run') as RunRecord | undefined;
    if (!run) continue;
    const faults = new Map<number, OutstandingFault & { redacted?: boolean }>();
    for (const r of records) {
      if (r.type === 'applying') {
        const a = r as ApplyingRecord;
        faults.set(a.fault, { run: run.run, file, fault: a.fault, at: a.at, activity: a.activity, path: a.path, title: run.title, call: a.call, revert: a.revert, state: 'applying', redacted: a.redacted });
      } else if (r.type !== 'run') {
        const f = faults.get(r.fault);
        if (!f) continue;
        if (r.type === 'applied') {
          if (r.revert !== undefined) [f.revert, f.redacted] = [r.revert, r.redacted];
          if (r.undo === null) faults.delete(r.fault);
          else f.state = 'applied';
        } else if (r.type === 'failed') f.state = 'failed';
        else if (r.type === 'kept') f.state = 'kept';
        else if (r.type === 'reverted') faults.delete(r.fault);
      }
    }
    const outstanding = [...faults.values()].reverse().map(({ redacted, ...f }) => {
      if (redacted) return { ...f, problem: 'its revert needs a secret value, which the ledger never stores: revert it by hand' };
      if (f.revert === null) return { ...f, problem: 'the driver recorded no revert before applying it: check it by hand' };
      return f;
    });
    runs.push({ run, file, alive: runAlive(run), faults: outstanding });
  }
  return runs.reverse();
}

/** Outstanding faults of runs that are over: what `run` warns about and `recover` reverts. */
export function abandonedFaults(state: string, runId?: string): OutstandingFault[] {
  return readLedger(state)
    .filter((r) => !r.alive && (runId === undefined || r.run.run === runId))
    .flatMap((r) => r.faults);
}

export interface RecoverResult extends OutstandingFault {
  result: 'reverted' | 'already reverted' | 'failed';
  detail: string;
}

/** Reverts the faults (as abandonedFaults lists them), recording each result; files left with nothing are retired. */
export async function recoverFaults(state: string, faults: OutstandingFault[]): Promise<RecoverResult[]> {
  const results: RecoverResult[] = [];
  const files = new Map<string, LedgerFile>();
  const fileOf = (path: string) => {
    let f = files.get(path);
    if (!f) files.set(path, (f = new LedgerFile(path)));
    return f;
  };
  for (const f of faults) {
    const file = fileOf(f.file);
    if (f.problem) {
      results.push({ ...f, result: 'failed', detail: f.problem });
      continue;
    }
    try {
      const outcome = await runRevert(f.revert);
      file.append({ type: 'reverted', fault: f.fault, at: new Date().toISOString(), by: 'recover', outcome: outcome.detail });
      results.push({ ...f, result: outcome.changed ? 'reverted' : 'already reverted', detail: outcome.detail });
    } catch (err) {
      const detail = (err as Error).message;
      file.append({ type: 'kept', fault: f.fault, at: new Date().toISOString(), reason: `recover failed: ${detail}` });
      results.push({ ...f, result: 'failed', detail });
    }
  }
  for (const [path, file] of files) {
    file.close();
    if (!results.some((r) => r.file === path && r.result === 'failed')) retire(state, path);
  }
  return results;
}
