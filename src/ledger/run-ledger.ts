// One run's fault ledger: the driver wrapper records each fault before applying it and once applied; a rollback that
// calls a fault's undo marks it reverted; at the end of the run (or when it is interrupted, or crashes) `settle`
// reverts whatever is still outstanding, newest first, unless --keep-faults. The file is created with the first fault.
import { createRequire } from 'node:module';
import type { Interface } from 'node:readline';
import type { Json } from '../experiment/types.ts';
import { log } from '../log.ts';
import { VERSION } from '../version.ts';
import { type RevertOutcome, findRevert } from './reverts.ts';
import type { LedgerScope } from './scope.ts';
import { type Call, type LedgerFile, createRunFile, procStart, retire } from './store.ts';

/** A revert that takes longer than this is reported as failed and the next one starts. */
export const REVERT_TIMEOUT_MS = 30_000;

export interface LedgerOptions {
  stateDir: string;
  /** leave outstanding faults in place at the end of the run (recover reverts them later) */
  keepFaults: boolean;
  /** the experiment's file or URL, for the record */
  source?: string | null;
}

type FaultStatus = 'applying' | 'applied' | 'failed' | 'done' | 'reverted' | 'kept';

export interface Fault {
  id: number;
  activity: string | null;
  path: string | null;
  call: Call;
  /** the revert as the process holds it (secret values included: never written when they are) */
  revert: Call | null;
  /** the driver's undo for the action's result, normalised: what a rollback calls */
  undo: Call | null;
  status: FaultStatus;
}

/** One entry of the journal's `turbulence` field. */
export interface JournalFault {
  activity: string | null;
  path: string | null;
  fault: string;
  revert: Call | null;
  outcome?: string;
  reason?: string;
}

export interface Settlement {
  reverted: JournalFault[];
  kept: JournalFault[];
}

export class RunLedger {
  readonly runId: string;
  private file: LedgerFile | null = null;
  private faults: Fault[] = [];
  private title: string | null = null;
  private secretValues: string[] = [];
  private settling: Promise<Settlement> | null = null;
  private readonly started = new Date();

  constructor(readonly options: LedgerOptions) {
    // the start time first: file names sort by it
    // the suffix only tells apart runs of one pid in one millisecond: Math.random does, without loading node:crypto
    const suffix = Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0');
    this.runId = `${this.started.toISOString().replace(/[-:.]/g, '')}-${process.pid}-${suffix}`;
  }

  /** The experiment's title and the run's secrets (their values are redacted from every record). */
  describe(info: { title?: string | null; secrets?: unknown }): void {
    if (info.title !== undefined) this.title = info.title;
    if (info.secrets !== undefined) this.secretValues = collectStrings(info.secrets);
  }

  /** Records a fault about to be applied; returns it for applied()/failed(). Written and fsynced before returning. */
  applying(scope: LedgerScope, call: Call, revert: Call | null): Fault {
    const fault: Fault = { id: this.faults.length + 1, activity: scope.activity, path: scope.path, call, revert, undo: null, status: 'applying' };
    this.faults.push(fault);
    const r = this.redact(revert);
    this.write({
      type: 'applying',
      fault: fault.id,
      at: now(),
      activity: fault.activity,
      path: fault.path,
      call: this.redact(call).call!,
      revert: r.call,
      ...(r.redacted ? { redacted: true } : {}),
    });
    return fault;
  }

  /**
   * The action returned. `undo` null: nothing to revert (the fault is over). `revert` given: known only now (a driver
   * without an intent); otherwise the intent's revert stands.
   */
  applied(fault: Fault, undo: Call | null, revert?: Call | null): void {
    fault.undo = undo;
    if (revert !== undefined) fault.revert = revert;
    fault.status = undo === null ? 'done' : 'applied';
    const r = revert === undefined ? null : this.redact(revert);
    this.write({
      type: 'applied',
      fault: fault.id,
      at: now(),
      undo: this.redact(undo).call,
      ...(r ? { revert: r.call } : {}),
      ...(r?.redacted ? { redacted: true } : {}),
    });
  }

  /** The action failed: part of it may be applied, so the fault stays outstanding. */
  failed(fault: Fault, err: unknown): void {
    fault.status = 'failed';
    this.write({ type: 'failed', fault: fault.id, at: now(), error: this.redactText(err instanceof Error ? err.message : String(err)) });
  }

  /** Outstanding faults whose undo is exactly this call (a rollback reverting them). */
  matching(call: Call): Fault[] {
    const key = canonical(call);
    return this.faults.filter((f) => f.status === 'applied' && f.undo !== null && canonical(f.undo) === key);
  }

  reverted(fault: Fault, by: 'rollback' | 'ledger', outcome: string): void {
    fault.status = 'reverted';
    this.write({ type: 'reverted', fault: fault.id, at: now(), by, outcome: this.redactText(outcome) });
  }

  outstanding(): Fault[] {
    return this.faults.filter((f) => f.status === 'applying' || f.status === 'applied' || f.status === 'failed');
  }

  /**
   * Reverts what is still outstanding, newest first (unless --keep-faults); once per run, later calls get the same
   * answer. A signal during the reverts asks (on a terminal) or warns; the next one abandons the rest.
   */
  settle(): Promise<Settlement> {
    this.settling ??= this.revertAll();
    return this.settling;
  }

  private async revertAll(): Promise<Settlement> {
    const settlement: Settlement = { reverted: [], kept: [] };
    const left = this.outstanding().reverse();
    if (left.length === 0) return this.finish(settlement);
    if (this.options.keepFaults) {
      log.warning(`Keeping ${left.length} fault(s) in place as asked (--keep-faults): turbulence recover reverts them`);
      for (const f of left) this.keep(f, 'kept as asked (--keep-faults)', settlement);
      return this.finish(settlement);
    }
    log.info(`Reverting ${left.length} outstanding fault(s) recorded in the fault ledger`);
    const abandon = watchSignals(left.length);
    try {
      for (const f of left) {
        if (abandon.abandoned) {
          this.keep(f, 'abandoned on a signal during the undo', settlement);
          continue;
        }
        try {
          const outcome = await runRevert(f.revert);
          this.reverted(f, 'ledger', outcome.detail);
          if (outcome.changed) {
            log.info(`Reverted ${describe(f)}: ${outcome.detail}`);
            settlement.reverted.push({ ...entry(f), outcome: outcome.detail });
          } else {
            log.debug(`Nothing to revert for ${describe(f)}: ${outcome.detail}`);
          }
        } catch (err) {
          log.error(`Could not revert ${describe(f)}: ${(err as Error).message} (turbulence recover tries again)`);
          this.keep(f, `revert failed: ${(err as Error).message}`, settlement);
        }
      }
    } finally {
      abandon.stop();
    }
    return this.finish(settlement);
  }

  private keep(f: Fault, reason: string, settlement: Settlement): void {
    f.status = 'kept';
    this.write({ type: 'kept', fault: f.id, at: now(), reason: this.redactText(reason) });
    settlement.kept.push({ ...entry(f), reason });
  }

  private finish(settlement: Settlement): Settlement {
    if (this.file) {
      this.file.close();
      // kept faults are still in place: their file stays where recover looks
      if (settlement.kept.length === 0) retire(this.options.stateDir, this.file.path);
    }
    return settlement;
  }

  private write(record: Parameters<LedgerFile['append']>[0]): void {
    if (!this.file) {
      this.file = createRunFile(this.options.stateDir, this.runId);
      this.file.append({
        type: 'run',
        run: this.runId,
        pid: process.pid,
        proc_start: procStart(process.pid),
        started: this.started.toISOString(),
        title: this.title === null ? null : this.redactText(this.title),
        source: this.options.source ?? null,
        turbulence: VERSION,
      });
    }
    this.file.append(record);
  }

  /** The call with every string holding a secret value replaced; `redacted` says whether any was. */
  private redact(call: Call | null): { call: Call | null; redacted: boolean } {
    if (call === null || this.secretValues.length === 0) return { call, redacted: false };
    let redacted = false;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') {
        const r = this.redactText(v);
        if (r !== v) redacted = true;
        return r;
      }
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return { call: { ...call, arguments: walk(call.arguments) as Record<string, Json> }, redacted };
  }

  private redactText(text: string): string {
    let out = text;
    for (const s of this.secretValues) if (out.includes(s)) out = out.split(s).join('***');
    return out;
  }
}

/** Runs a revert call, bounded in time. */
export async function runRevert(revert: Call | null): Promise<RevertOutcome> {
  if (revert === null) throw new Error('the driver recorded no revert for this fault');
  const fn = await findRevert(revert.module, revert.func);
  if (!fn) throw new Error(`no revert named ${revert.module}.${revert.func} (an older or newer Turbulence recorded it?)`);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(() => fn(revert.arguments)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REVERT_TIMEOUT_MS / 1000} s`)), REVERT_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Signals during the reverts. On a terminal the first asks whether to abandon; elsewhere it warns and the second
 * abandons (the run was usually interrupted by one already: the third signal in all).
 */
function watchSignals(count: number): { abandoned: boolean; stop(): void } {
  const state = { abandoned: false, stop: () => {} };
  let seen = 0;
  // the open question, closed when the undo ends before it is answered (else stdin would hold the process)
  let question: Interface | null = null;
  const abandon = () => {
    state.abandoned = true;
    log.warning('Abandoning the undo: the faults not yet reverted stay (run turbulence recover)');
  };
  const onSignal = () => {
    seen++;
    const tty = process.stdin.isTTY && process.stderr.isTTY;
    if (tty && !question && seen === 1) {
      // node:readline only when a question is asked: every run loads this module
      const { createInterface } = createRequire(import.meta.url)('node:readline') as typeof import('node:readline');
      const rl = (question = createInterface({ input: process.stdin, output: process.stderr }));
      rl.question(`\nStill reverting ${count} fault(s). Abandon the undo? The faults stay (turbulence recover reverts them later) [y/N] `, (answer) => {
        rl.close();
        question = null;
        if (/^y(es)?$/i.test(answer.trim())) abandon();
        // an answer typed on the terminal gets its reply there (the live view keeps INFO lines off it)
        else process.stderr.write('Going on with the undo (a signal now abandons it)\n');
      });
      return;
    }
    if (seen === 1) {
      log.warning('Reverting the outstanding faults first; send the signal again to abandon them (turbulence recover reverts them later)');
      return;
    }
    if (!state.abandoned) abandon();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  state.stop = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (question) {
      question.close();
      question = null;
      process.stderr.write('\nThe undo is complete: nothing left to abandon\n');
    }
  };
  return state;
}

function entry(f: Fault): JournalFault {
  return { activity: f.activity, path: f.path, fault: `${f.call.module}.${f.call.func}`, revert: f.revert };
}

function describe(f: Fault): string {
  return `${f.call.module}.${f.call.func}${f.activity ? ` of activity '${f.activity}'` : ''}`;
}

/** JSON with sorted keys: two calls are the same when their module, func and arguments are. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function collectStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    if (v.length > 0) out.push(v);
  } else if (typeof v === 'number' || typeof v === 'boolean') {
    // a number secret is substituted as text too
    if (typeof v === 'number') out.push(String(v));
  } else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, out));
  else if (v !== null && typeof v === 'object') Object.values(v).forEach((x) => collectStrings(x, out));
  // longest first: a secret containing another is redacted whole
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

const now = () => new Date().toISOString();
