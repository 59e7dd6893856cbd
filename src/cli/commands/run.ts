// `turbulence run`: the flow of `chaos run` — settings, global controls, load (with loader hooks), notify, validate,
// strategies, run, journal, notify, exit code (1 when not completed or deviated).
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ChaosError, InvalidExperiment, formatProblem } from '../../errors.ts';
import { loadExperiment, locateProblems } from '../../experiment/load.ts';
import { validateExperiment } from '../../experiment/validate.ts';
import { loadVarFiles, mergeVars, parseVars } from '../../experiment/vars.ts';
import type { Experiment } from '../../experiment/types.ts';
import type { Dry } from '../../engine/context.ts';
import { Controls } from '../../engine/controls.ts';
import { RunEvents } from '../../engine/events.ts';
import { loadGlobalControls } from '../../engine/global-controls.ts';
import { runExperiment } from '../../engine/run.ts';
import { resolveStrategies } from '../../engine/strategy.ts';
import { serializeJournal, writeJournal } from '../../journal/journal.ts';
import { log, writeStdout } from '../../log.ts';
import { notify } from '../../notifications/notify.ts';
import '../../providers/index.ts';
import { usePythonSettings } from '../../providers/python/interpreter.ts';
import { loadSettings, settingsPath } from '../../settings/settings.ts';
import type { GlobalOptions } from '../globals.ts';
import { progressView } from '../progress.ts';

export interface RunCommandOptions {
  journalPath: string;
  dry?: Dry;
  validation: boolean;
  verifyTls: boolean;
  rollbackStrategy?: string;
  var: string[];
  varFile: string[];
  controlFile: string[];
  hypothesisStrategy?: string;
  hypothesisFrequency: number | string;
  failFast: boolean;
  checkTargets?: boolean;
  /** the fault ledger's state directory (--state-dir) */
  stateDir?: string;
  keepFaults?: boolean;
  /** --timeout: seconds for the whole experiment */
  timeout?: string;
}

/** A usage error, reported like click's: exit code 2. */
function usage(message: string): number {
  log.error(message);
  return 2;
}

export async function runCommand(g: GlobalOptions, source: string, opts: RunCommandOptions): Promise<number> {
  for (const [flag, files] of [['--var-file', opts.varFile], ['--control-file', opts.controlFile]] as const) {
    for (const f of files) if (!existsSync(f)) return usage(`Invalid value for '${flag}': Path '${f}' does not exist.`);
  }
  if (typeof opts.hypothesisFrequency !== 'number' || !Number.isFinite(opts.hypothesisFrequency) || opts.hypothesisFrequency < 0) {
    return usage(`Invalid value for '--hypothesis-frequency': '${opts.hypothesisFrequency}' is not a valid float.`);
  }
  // refuse before any fault is injected, rather than after the run (where the reference fails)
  try {
    accessSync(dirname(resolve(opts.journalPath)), constants.W_OK);
  } catch {
    throw new ChaosError(`cannot write the journal to '${opts.journalPath}': its directory does not exist or is not writable`);
  }
  let timeout: number | null = null;
  if (opts.timeout !== undefined) {
    timeout = Number(opts.timeout);
    if (!(timeout > 0) || !Number.isFinite(timeout)) return usage(`Invalid value for '--timeout': '${opts.timeout}' is not a positive number of seconds.`);
  }
  const ledger = await openLedger(source, opts);
  let cliVars: Record<string, unknown>;
  try {
    cliVars = parseVars(opts.var);
  } catch (err) {
    return usage(`Invalid value for '--var': ${(err as Error).message}`);
  }

  const settings = await loadSettings(settingsPath(g.settings));
  usePythonSettings(settings);
  const vars = mergeVars(cliVars, await loadVarFiles(opts.varFile));
  const controls = new Controls(await loadGlobalControls(settings, opts.controlFile), {
    configuration: {},
    secrets: {},
    settings,
  });

  await controls.apply('loader', 'before', source);
  const loaded = await loadExperiment(source, { verifyTls: opts.verifyTls, auths: settings.auths });
  for (const w of locateProblems(loaded.warnings, loaded.source)) log.warning(formatProblem(w));
  const experiment = loaded.experiment as Experiment;
  await controls.apply('loader', 'after', source, experiment);

  await notify(settings, 'run-started', experiment);
  if (opts.validation) {
    log.info("Validating the experiment's syntax");
    const { problems, warnings } = await validateExperiment(experiment);
    for (const w of locateProblems(warnings, loaded.source)) log.warning(formatProblem(w));
    if (problems.length > 0) {
      for (const p of locateProblems(problems, loaded.source)) log.error(formatProblem(p));
      return 1;
    }
    log.info('Experiment looks valid');
  }
  if (opts.checkTargets) {
    // before any fault: every driver action's target exists, may be changed by this user, within limits
    log.info('Checking the targets of the driver activities');
    const { checkTargets } = await import('../../drivers/check-targets.ts');
    const { problems, warnings } = await checkTargets(experiment, { vars });
    for (const w of locateProblems(warnings, loaded.source)) log.warning(formatProblem(w));
    if (problems.length > 0) {
      for (const p of locateProblems(problems, loaded.source)) log.error(formatProblem(p));
      log.error('Nothing was run: the targets above are not ready');
      return 1;
    }
  }

  experiment.dry = opts.dry ?? null;
  const strategies = resolveStrategies(settings.runtime, experiment, {
    hypothesis: opts.hypothesisStrategy,
    rollbacks: opts.rollbackStrategy,
  });
  const events = new RunEvents();
  const view = progressView(g.logFormat);
  if (view) events.add(view);

  let journal;
  try {
    journal = await runExperiment(experiment, {
      settings,
      strategies,
      schedule: { frequency: opts.hypothesisFrequency, failFast: opts.failFast, failFastRatio: 0 },
      dry: opts.dry ?? null,
      controls,
      vars,
      events,
      ledger,
      timeout,
    });
  } catch (err) {
    if (err instanceof InvalidExperiment) {
      for (const p of locateProblems(err.problems, loaded.source)) log.error(formatProblem(p));
      return 1;
    }
    // where the reference's runner crashes: no journal, exit 1, but a clear line instead of a traceback
    if (err instanceof ChaosError) throw new ChaosError(`the run stopped: ${err.message}`);
    throw err;
  } finally {
    view?.close();
  }
  journal.experiment.dry = opts.dry ?? null;
  try {
    writeJournal(journal, opts.journalPath);
  } catch (err) {
    // the run happened: say where its journal could not go, and keep it on stdout rather than lose it
    log.error(`cannot write the journal to '${opts.journalPath}': ${(err as Error).message}; printing it on stdout`);
    writeStdout(serializeJournal(journal) + '\n');
    return 1;
  }

  const failed = journal.status !== 'completed';
  if (!failed) await notify(settings, 'run-completed', journal);
  else await notify(settings, 'run-failed', journal);
  if (journal.deviated) await notify(settings, 'run-deviated', journal);
  return failed || journal.deviated ? 1 : 0;
}

/**
 * The run's fault ledger (written only once a native driver applies a fault). Warns first when runs that are over
 * left faults that were never reverted.
 */
async function openLedger(source: string, opts: RunCommandOptions) {
  const { stateDir } = await import('../../ledger/store.ts');
  const { RunLedger } = await import('../../ledger/run-ledger.ts');
  const { abandonedFaults } = await import('../../ledger/recover.ts');
  const dir = stateDir(opts.stateDir);
  // the drivers keep their backups there too
  if (opts.stateDir) process.env.TURBULENCE_STATE_DIR = dir;
  const left = abandonedFaults(dir).length;
  if (left > 0) log.warning(`${left} fault(s) from earlier runs were never reverted: turbulence recover${opts.stateDir ? ` --state-dir ${dir}` : ''}`);
  return new RunLedger({ stateDir: dir, keepFaults: Boolean(opts.keepFaults), source: /^https?:/i.test(source) ? source : resolve(source) });
}
