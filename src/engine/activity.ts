// Executing one activity: controls around it, pauses, dry mode, and its journal record.
import { ActivityFailed } from '../errors.ts';
import { substitute } from '../experiment/substitute.ts';
import { type Activity, type ActivityOrRef, isRef } from '../experiment/types.ts';
import type { ActivityRun } from '../journal/journal.ts';
import { isLogged, log } from '../log.ts';
import { getProvider } from '../providers/registry.ts';
import { isoFromMicros, nowMicros, sleep } from './clock.ts';
import type { DryTargets } from '../drivers/check-targets.ts';
import type { RunContext } from './context.ts';
import type { Phase } from './events.ts';
import { Interrupted } from './interruption.ts';
import { activityScope } from './ledger-hook.ts';
import type { LedgerScope } from '../ledger/scope.ts';
import { activityTimeout, withTimeout } from './activity-timeout.ts';

/** An error that is not an activity failure: the run aborts (method) or the runner gives up (hypothesis, rollbacks). */
export class UnexpectedRunError extends Error {
  override name = 'UnexpectedRunError';
}

export interface ExecuteOptions {
  phase: Phase;
  /** the list the record joins when the activity starts (method and rollbacks), as the reference does */
  runs?: ActivityRun[];
  /** runs in the background: not interruptible by graceful signals */
  background?: boolean;
}

/** Resolves a `ref` to its target, as the reference: a missing target is an error outside the activity's record. */
export function resolveRef(ctx: RunContext, item: ActivityOrRef): Activity {
  if (!isRef(item)) return item;
  const target = ctx.refs.get(item.ref);
  if (!target) throw new ActivityFailed(`could not find referenced activity '${item.ref}'`);
  return target;
}

export async function executeActivity(ctx: RunContext, item: ActivityOrRef, opts: ExecuteOptions): Promise<ActivityRun> {
  const activity = resolveRef(ctx, item);
  const { controls, interruption, events } = ctx;
  // read at each use: an activity that absorbs a SIGTERM (python) re-arms the run's signal
  const signal = () => (opts.background ? interruption.background.signal : interruption.signal);
  const wait = <T>(p: Promise<T>): Promise<T> => (opts.background ? p : interruption.race(p));

  let state: ActivityRun | undefined;
  try {
    // inside the try: the after-controls run even when a before-control interrupted (chaoslib's `with controls`)
    await controls.apply('activity', 'before', activity);
    // A `dry` key in the JSON replaces the run's dry mode with a value that matches no mode (reference behaviour).
    const dry = 'dry' in activity ? null : ctx.dry;
    const pauses = substitute(activity.pauses ?? {}, ctx.configuration, ctx.secrets);
    const isDry =
      (dry === 'actions' && activity.type === 'action') ||
      (dry === 'probes' && activity.type === 'probe') ||
      dry === 'activities';
    const skipPauses = dry === 'pause' || isDry;

    const before = Number(pauses.before ?? 0);
    if (before) {
      log.info(`Pausing before next activity for ${pauses.before}s...`);
      if (!skipPauses) await wait(sleep(before, signal()));
    }
    const title = activity.type ? activity.type[0].toUpperCase() + activity.type.slice(1) : String(activity.type);
    log.info(`${title}: ${activity.name}${opts.background ? ' [in background]' : ''}`);

    const startUs = nowMicros();
    const run: ActivityRun = { activity: { ...activity }, output: null, start: isoFromMicros(startUs) };
    opts.runs?.push(run);
    let interrupted = false;
    let wouldHit: DryTargets | null = null;
    try {
      events.emit('activityStarted', opts.phase, activity, Boolean(opts.background));
      let result: unknown = null;
      if (!isDry) result = await runInterruptible(ctx, activity, signal(), wait, activityScope(ctx, item, opts.phase, activity));
      else {
        log.debug(`Activity ${activity.name} is in dry mode`);
        if (activity.type === 'action') wouldHit = await dryTargetsOf(ctx, activity);
      }
      run.output = result ?? null;
      run.status = 'succeeded';
      if (isLogged('debug')) log.debug(result != null ? `  => succeeded with '${preview(result)}'` : '  => succeeded without any result value');
    } catch (err) {
      if (!(err instanceof ActivityFailed)) {
        interrupted = true;
        throw err;
      }
      run.status = 'failed';
      run.exception = [`chaoslib.exceptions.ActivityFailed: ${err.message}\n`];
      log.error(`  => failed: ${err.message}`);
    } finally {
      // a background activity abandoned by an ungraceful exit never ends in the reference's journal
      if (!(interrupted && opts.background && signal().aborted)) {
        const endUs = nowMicros();
        run.end = isoFromMicros(endUs);
        run.duration = (endUs - startUs) / 1e6;
      }
      // Turbulence's own key, after the reference's: what a dry native action would have hit
      if (wouldHit) run.turbulence = wouldHit;
      events.emit('activityCompleted', opts.phase, activity, run);
      const after = Number(pauses.after ?? 0);
      if (after && !interrupted) {
        log.info(`Pausing after activity for ${pauses.after}s...`);
        if (!skipPauses) await wait(sleep(after, signal()));
      }
    }
    state = run;
    return run;
  } finally {
    await controls.apply('activity', 'after', activity, state);
  }
}

/** `--dry actions`: what a native driver action would hit, listed by its `targets` hook (loaded for dry python actions only). */
async function dryTargetsOf(ctx: RunContext, activity: Activity): Promise<DryTargets | null> {
  if (activity.provider?.type !== 'python') return null;
  const { dryTargets } = await import('../drivers/check-targets.ts');
  return dryTargets(activity, ctx.configuration, ctx.secrets);
}

/**
 * Runs the provider under the run's interruption. A provider that fails its activity on SIGTERM (python) absorbs that
 * signal: the run goes on with the activity failed, as chaoslib does.
 */
async function runInterruptible(
  ctx: RunContext,
  activity: Activity,
  signal: AbortSignal,
  wait: <T>(p: Promise<T>) => Promise<T>,
  ledger?: LedgerScope,
): Promise<unknown> {
  const timeout = activityTimeout(activity);
  const call = timeout === null ? runProvider(ctx, activity, signal, ledger) : withTimeout(timeout, signal, (s) => runProvider(ctx, activity, s, ledger));
  try {
    return await wait(call);
  } catch (err) {
    const absorbs = err instanceof Interrupted && err.kind === 'SIGTERM' && getProvider(activity.provider.type)?.terminationFailsActivity;
    if (!absorbs) throw err;
    ctx.interruption.absorb(err);
    try {
      return await call;
    } catch (inner) {
      if (inner instanceof Interrupted) throw new ActivityFailed(`chaoslib.exceptions.InterruptExecution: ${inner.message}`);
      throw inner;
    }
  }
}

/** Runs the activity's provider; also used by dynamic configuration and probe tolerances (no record, no controls). */
export async function runProvider(ctx: Pick<RunContext, 'configuration' | 'secrets'>, activity: Activity, signal?: AbortSignal, ledger?: LedgerScope) {
  const type = activity.provider?.type;
  const provider = type ? getProvider(type) : undefined;
  if (!provider) throw new UnexpectedRunError(`unknown provider type '${type}' in activity '${activity.name}'`);
  return provider.run(activity, { configuration: ctx.configuration, secrets: ctx.secrets, signal, ledger });
}

function preview(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 200 ? s.slice(0, 200) + '...' : s;
}
