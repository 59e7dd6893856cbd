// The steady-state hypothesis: probes checked against their tolerances, before, during and after the method.
import { pythonStr } from '../python/values.ts';
import { substitute } from '../experiment/substitute.ts';
import type { Activity, Hypothesis } from '../experiment/types.ts';
import type { HypothesisState } from '../journal/journal.ts';
import { log } from '../log.ts';
import { executeActivity, runProvider } from './activity.ts';
import type { RunContext } from './context.ts';
import type { Phase } from './events.ts';
import { withinTolerance } from './tolerance.ts';

export function hasHypothesisWithProbes(ctx: RunContext): boolean {
  const probes = ctx.experiment['steady-state-hypothesis']?.probes;
  return Array.isArray(probes) && probes.length > 0;
}

/** Runs every probe; stops at the first that raises or misses its tolerance. Null when there is no hypothesis. */
export async function runSteadyStateHypothesis(ctx: RunContext, phase: Phase): Promise<HypothesisState | null> {
  // the continuous loop runs beside the method like a background thread: graceful signals do not reach it
  const background = phase === 'during';
  const hypo = ctx.experiment['steady-state-hypothesis'] as Hypothesis | undefined;
  if (!hypo) {
    log.debug('No hypothesis declared.');
    return null;
  }
  log.info(`Steady state hypothesis: ${hypo.title}`);
  ctx.events.emit('hypothesisStarted', phase, hypo.title);
  const state: HypothesisState = { steady_state_met: null, probes: [] };
  try {
    await ctx.controls.apply('hypothesis', 'before', hypo);
    for (const item of hypo.probes ?? []) {
      const run = await executeActivity(ctx, item, { phase, background });
      state.probes.push(run);
      if (run.status === 'failed') {
        run.tolerance_met = false;
        state.steady_state_met = false;
        log.warning('Probe terminated unexpectedly, so its tolerance could not be validated');
        return state;
      }
      run.tolerance_met = true;
      if (ctx.dry === 'probes' || ctx.dry === 'activities') continue;

      // the tolerance is the one written in the hypothesis entry (a ref carries its own)
      let tolerance = (item as Activity).tolerance;
      if (typeof tolerance === 'string') tolerance = substitute(tolerance, ctx.configuration, ctx.secrets);
      log.debug(`allowed tolerance is ${pythonStr(tolerance)}`);
      const signal = background ? ctx.interruption.background.signal : ctx.interruption.signal;
      const check = withinTolerance(tolerance, run.output, {
        configuration: ctx.configuration,
        secrets: ctx.secrets,
        runProbe: (probe) => runProvider(ctx, probe, signal),
      });
      const met = await (background ? check : ctx.interruption.race(check));
      if (!met) {
        run.tolerance_met = false;
        state.steady_state_met = false;
        return state;
      }
    }
    state.steady_state_met = true;
    log.info('Steady state hypothesis is met!');
    return state;
  } finally {
    ctx.events.emit('hypothesisCompleted', phase, state);
    await ctx.controls.apply('hypothesis', 'after', hypo, state);
  }
}

/** Marks the journal from a hypothesis that was not met: `failed` when a probe raised, else `completed`. */
export function statusFromMissedHypothesis(state: HypothesisState): 'failed' | 'completed' {
  return state.probes.some((p) => p.status !== 'succeeded') ? 'failed' : 'completed';
}

export function logDeviation(state: HypothesisState): void {
  const last = state.probes[state.probes.length - 1];
  log.critical(`Steady state probe '${last?.activity.name}' is not in the given tolerance so failing this experiment`);
}

/** The continuous hypothesis loop that runs beside the method (during-method-only, continuously). */
export async function runHypothesisContinuously(ctx: RunContext, stop: AbortSignal): Promise<void> {
  const { frequency, failFast, failFastRatio } = ctx.schedule;
  log.info(`Executing the steady-state hypothesis continuously every ${frequency} seconds`);
  let failed = 0;
  let iteration = 1;
  while (!stop.aborted) {
    if (ctx.journal.status === 'failed' || ctx.journal.status === 'interrupted' || ctx.journal.status === 'aborted') break;
    const state = await runSteadyStateHypothesis(ctx, 'during');
    ctx.journal.steady_states.during.push(state);
    if (state && !state.steady_state_met) {
      failed += 1;
      const ratio = (failed * 100) / iteration;
      const last = state.probes[state.probes.length - 1];
      log.warning(`Continuous steady state probe '${last?.activity.name}' is not in the given tolerance`);
      if (failFast && ratio >= failFastRatio) {
        log.info(`Terminating immediately the experiment after ${ratio.toFixed(1)}% hypothesis deviated`);
        ctx.journal.status = 'failed';
        break;
      }
    }
    iteration += 1;
    // frequency seconds between two iterations, not counting the probes' own time (as the reference)
    await new Promise<void>((resolve) => {
      if (stop.aborted) return resolve();
      const t = setTimeout(done, frequency * 1000);
      function done() {
        clearTimeout(t);
        stop.removeEventListener('abort', done);
        resolve();
      }
      stop.addEventListener('abort', done, { once: true });
    });
  }
}
