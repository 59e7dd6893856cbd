// `turbulence recover`: after kill -9, a crash or a reboot, the faults the fault ledger holds for runs that are over
// and were never reverted: listed (--dry-run) or reverted newest first, each result reported; exit 1 when one could
// not be reverted. Faults of runs still running are left to those runs.
import { log, writeStdout } from '../../log.ts';
import { type OutstandingFault, type RecoverResult, readLedger, recoverFaults } from '../../ledger/recover.ts';
import { retire, stateDir } from '../../ledger/store.ts';
import type { GlobalOptions } from '../globals.ts';

export interface RecoverOptions {
  stateDir?: string;
  dryRun: boolean;
  json: boolean;
  run?: string;
}

export async function recoverCommand(_g: GlobalOptions, opts: RecoverOptions): Promise<number> {
  const state = stateDir(opts.stateDir);
  const runs = readLedger(state).filter((r) => opts.run === undefined || r.run.run === opts.run);
  const running = runs.filter((r) => r.alive && r.faults.length > 0);
  for (const r of running) log.info(`Run ${r.run.run} (pid ${r.run.pid}) is still running: its ${r.faults.length} fault(s) are left to it`);
  const over = runs.filter((r) => !r.alive);
  // runs that ended with nothing outstanding but were cut before tidying their file
  for (const r of over) if (r.faults.length === 0) retire(state, r.file);
  const faults = over.flatMap((r) => r.faults);

  if (faults.length === 0) {
    if (opts.json) writeStdout(JSON.stringify({ state_dir: state, dry_run: opts.dryRun, faults: [] }, null, 2) + '\n');
    else log.info(`No outstanding faults in ${state}`);
    return 0;
  }
  if (opts.dryRun) {
    if (opts.json) writeStdout(JSON.stringify({ state_dir: state, dry_run: true, faults: faults.map(view) }, null, 2) + '\n');
    else {
      log.info(`${faults.length} outstanding fault(s) in ${state} (dry run: nothing reverted)`);
      for (const f of faults) log.info(`  would revert ${describe(f)}${f.problem ? ` — cannot: ${f.problem}` : ''}`);
    }
    return faults.some((f) => f.problem) ? 1 : 0;
  }

  log.info(`Reverting ${faults.length} outstanding fault(s) from ${state}`);
  const results = await recoverFaults(state, faults);
  const failed = results.filter((r) => r.result === 'failed');
  if (opts.json) writeStdout(JSON.stringify({ state_dir: state, dry_run: false, faults: results.map(view) }, null, 2) + '\n');
  else {
    for (const r of results) {
      const line = `${r.result}: ${describe(r)}: ${r.detail}`;
      if (r.result === 'failed') log.error(line);
      else log.info(line);
    }
    log.info(`${results.length - failed.length} of ${results.length} fault(s) reverted or already in place${failed.length ? `; ${failed.length} could not be reverted` : ''}`);
  }
  return failed.length ? 1 : 0;
}

function describe(f: OutstandingFault): string {
  const what = `${f.call.module}.${f.call.func}`;
  const where = f.activity ? ` (activity '${f.activity}'${f.path ? ` at ${f.path}` : ''})` : '';
  const state = f.state === 'applying' ? ', interrupted while applying' : f.state === 'failed' ? ', its action failed' : '';
  return `${what}${where} of run ${f.run}${f.title ? ` "${f.title}"` : ''}${state}`;
}

function view(f: OutstandingFault | RecoverResult): Record<string, unknown> {
  const { file: _file, ...rest } = f;
  return rest;
}
