// One run of an experiment, phase by phase, with the reference's statuses: gate hypothesis, method (with the
// continuous hypothesis beside it), after-hypothesis, rollbacks; controls around each level; signals as interruptions.
import { loadConfiguration, loadDynamicConfiguration } from '../experiment/configuration.ts';
import { loadSecrets } from '../experiment/secrets.ts';
import { substitute } from '../experiment/substitute.ts';
import type { Experiment } from '../experiment/types.ts';
import { type Journal, initJournal, platformString } from '../journal/journal.ts';
import { log } from '../log.ts';
import type { Settings } from '../settings/settings.ts';
import { runProvider } from './activity.ts';
import { isoFromMicros, nowMicros } from './clock.ts';
import { type Dry, type RunContext, type Schedule, buildRefCache } from './context.ts';
import type { Controls } from './controls.ts';
import { RunEvents } from './events.ts';
import {
  hasHypothesisWithProbes,
  logDeviation,
  runHypothesisContinuously,
  runSteadyStateHypothesis,
  statusFromMissedHypothesis,
} from './hypothesis.ts';
import { Interrupted, Interruption, installSignalHandlers } from './interruption.ts';
import { runMethod } from './method.ts';
import { runRollbacks } from './rollbacks.ts';
import { releaseRun } from './run-resources.ts';
import { settleFaults } from './ledger-hook.ts';
import type { RunLedger } from '../ledger/run-ledger.ts';
import { type Strategies, runsAfterMethod, runsBeforeMethod, runsDuringMethod } from './strategy.ts';

export interface RunOptions {
  settings: Settings;
  strategies: Strategies;
  schedule: Schedule;
  dry: Dry | null;
  /** global controls, already loaded (they also served the loader hooks) */
  controls: Controls;
  /** --var / --var-file overrides */
  vars?: { configuration?: Record<string, unknown>; secrets?: Record<string, unknown> };
  events?: RunEvents;
  env?: NodeJS.ProcessEnv;
  /** install SIGINT/SIGTERM/SIGUSR1/SIGUSR2 handlers for the run (the CLI does; embedders may not want it) */
  handleSignals?: boolean;
  /** the fault ledger: native faults recorded before they are applied, reverted at the end unless kept */
  ledger?: RunLedger | null;
  /** seconds the whole experiment may take before it is interrupted (status interrupted, faults reverted) */
  timeout?: number | null;
}

const TERMINAL = new Set(['completed', 'failed', 'aborted', 'interrupted']);

/**
 * Runs the experiment and returns its journal. Throws only where the reference's runner crashes (bad configuration,
 * an unexpected error in the hypothesis or the rollbacks): the caller then has no journal.
 */
export async function runExperiment(experiment: Experiment, opts: RunOptions): Promise<Journal> {
  const env = opts.env ?? process.env;
  const configuration = loadConfiguration(experiment.configuration, { extraVars: opts.vars?.configuration, env });
  const secrets = loadSecrets(experiment.secrets, configuration, { extraVars: opts.vars?.secrets, env });
  const dynamic = await loadDynamicConfiguration(configuration, secrets, (activity, cfg, sec) =>
    runProvider({ configuration: cfg, secrets: sec }, activity),
  );

  const interruption = new Interruption();
  const uninstall = opts.handleSignals === false ? () => {} : installSignalHandlers(interruption, (kind) => {
    if (kind === 'SIGTERM') log.warning('Caught SIGTERM signal, interrupting experiment now');
  });
  const timeout = opts.timeout ?? null;
  const timer =
    timeout === null
      ? undefined
      : setTimeout(() => interruption.interrupt(new Interrupted('timeout', `Experiment timed out after ${timeout}s (--timeout), interrupting it now`)), timeout * 1000);
  try {
    return await play(experiment, opts, dynamic, secrets, interruption);
  } finally {
    clearTimeout(timer);
    // an unexpected error skipped the end of play: the faults are reverted all the same (once per run)
    await opts.ledger?.settle();
    // what activities kept for the run (embedded servers) ends with it, after the faults on them are reverted
    await releaseRun(dynamic);
    // last: a signal during the undo above must not kill the process before its journal is written
    uninstall();
  }
}

async function play(
  experiment: Experiment,
  opts: RunOptions,
  configuration: RunContext['configuration'],
  secrets: RunContext['secrets'],
  interruption: Interruption,
): Promise<Journal> {
  experiment.title = substitute(experiment.title, configuration, secrets);
  log.info(`Running experiment: ${experiment.title}`);
  const startUs = nowMicros();
  const platform = platformString();
  const journal = initJournal(experiment, isoFromMicros(startUs));
  const events = opts.events ?? new RunEvents();
  const controls = opts.controls;
  controls.setEnvironment({ experiment, configuration, secrets, settings: opts.settings, interruption });
  const ctx: RunContext = {
    experiment,
    configuration,
    secrets,
    settings: opts.settings,
    dry: opts.dry,
    strategies: opts.strategies,
    schedule: opts.schedule,
    controls,
    interruption,
    events,
    journal,
    refs: buildRefCache(experiment),
    ledger: opts.ledger ?? null,
  };
  opts.ledger?.describe({ title: experiment.title, secrets });
  events.emit('runStarted', journal, opts.strategies);
  if (opts.dry) log.warning(`Running experiment with dry ${opts.dry}`);

  try {
    await controls.configure();
    const strategy = opts.strategies.hypothesis;
    log.info(`Steady-state strategy: ${strategy === 'continuously' ? 'continuous' : strategy}`);
    log.info(`Rollbacks strategy: ${opts.strategies.rollbacks}`);
    let withHypothesis = false;
    if (strategy !== 'skip') {
      withHypothesis = hasHypothesisWithProbes(ctx);
      if (!withHypothesis) log.info("No steady state hypothesis defined. That's ok, just exploring.");
    } else {
      log.info('Skipping Steady-State Hypothesis as requested');
    }

    let rollbacks = true;
    const stopContinuous = new AbortController();
    let continuous: Promise<void> | null = null;
    try {
      await controls.apply('experiment', 'before', experiment);
      let proceed = true;
      if (withHypothesis && runsBeforeMethod(strategy)) proceed = await gateHypothesis(ctx);
      if (proceed) {
        if (withHypothesis && runsDuringMethod(strategy)) continuous = startContinuous(ctx, stopContinuous.signal);
        const runs = await runMethod(ctx);
        stopContinuous.abort();
        if (journal.status !== 'interrupted' && journal.status !== 'aborted') {
          if (withHypothesis && runs !== null && runsAfterMethod(strategy)) await afterHypothesis(ctx);
        }
      }
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      journal.status = 'interrupted';
      events.emit('interrupted', err.message);
      if (err.kind === 'interrupt' || err.kind === 'SIGTERM' || err.kind === 'timeout') log.critical(err.message);
      else log.warning(err.message);
      if (!err.graceful) {
        rollbacks = false;
        log.warning('Ignoring rollbacks as per signal');
      }
    } finally {
      stopContinuous.abort();
      if (continuous) await continuous;
      interruption.reset();
    }

    if (rollbacks) await runRollbacks(ctx);
    interruption.reset();
    // whatever the rollbacks left (or skipped), the ledger reverts: even when the strategy plays no rollbacks
    if (opts.ledger) await settleFaults(opts.ledger, journal);
    interruption.reset();

    const endUs = nowMicros();
    journal.end = isoFromMicros(endUs);
    journal.duration = (endUs - startUs) / 1e6;
    if (!TERMINAL.has(journal.status ?? '')) journal.status = 'completed';
    log.info(`Experiment ended with status: ${journal.deviated ? 'deviated' : journal.status}`);
    if (journal.deviated) log.info('The steady-state has deviated, a weakness may have been discovered');

    try {
      await controls.apply('experiment', 'after', experiment, journal);
    } catch (err) {
      log.debug(`Failed to close controls: ${(err as Error).message}`);
    }
    journal.platform = await platform;
    events.emit('runFinished', journal);
    return journal;
  } finally {
    await controls.cleanup();
  }
}

/** The hypothesis before the method: when not met the method is skipped (status failed if a probe raised). */
async function gateHypothesis(ctx: RunContext): Promise<boolean> {
  log.debug('Running steady-state hypothesis before the method');
  const state = await runSteadyStateHypothesis(ctx, 'before');
  ctx.journal.steady_states.before = state;
  if (state && !state.steady_state_met) {
    ctx.journal.status = statusFromMissedHypothesis(state);
    logDeviation(state);
    return false;
  }
  return true;
}

/** The hypothesis after the method: when not met the run has deviated. */
async function afterHypothesis(ctx: RunContext): Promise<void> {
  log.debug('Running steady-state hypothesis after the method');
  const state = await runSteadyStateHypothesis(ctx, 'after');
  ctx.journal.steady_states.after = state;
  if (state && !state.steady_state_met) {
    ctx.journal.deviated = true;
    ctx.journal.status = statusFromMissedHypothesis(state);
    logDeviation(state);
  }
}

function startContinuous(ctx: RunContext, stop: AbortSignal): Promise<void> {
  return runHypothesisContinuously(ctx, stop).then(
    () => log.info('Continuous steady state hypothesis terminated'),
    (err) => {
      ctx.journal.status = err instanceof Interrupted ? 'interrupted' : 'aborted';
      log.critical((err as Error).message);
      log.info('Continuous steady state hypothesis terminated');
    },
  );
}
