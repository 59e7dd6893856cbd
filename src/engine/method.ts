// The method: activities in order, background ones beside them, wrapped in the method-level controls.
import type { ActivityRun } from '../journal/journal.ts';
import { log } from '../log.ts';
import { executeActivity } from './activity.ts';
import type { RunContext } from './context.ts';
import { Interrupted } from './interruption.ts';

/**
 * Plays the method. Returns the runs, or null when an unexpected error aborted it (the journal says `aborted`).
 * An interruption propagates to the runner, after background activities were awaited (unless ungraceful).
 */
export async function runMethod(ctx: RunContext): Promise<ActivityRun[] | null> {
  log.info("Playing your experiment's method now...");
  ctx.events.emit('methodStarted');
  const runs: ActivityRun[] = [];
  ctx.journal.run = runs;
  try {
    await applyActivities(ctx, runs);
    return runs;
  } catch (err) {
    if (err instanceof Interrupted) throw err;
    ctx.journal.status = 'aborted';
    log.critical(`Experiment ran into an un expected fatal error, aborting now. ${(err as Error).message}`);
    return null;
  } finally {
    ctx.events.emit('methodCompleted');
  }
}

async function applyActivities(ctx: RunContext, runs: ActivityRun[]): Promise<void> {
  const method = ctx.experiment.method ?? [];
  const background: Promise<unknown>[] = [];
  try {
    await ctx.controls.apply('method', 'before', ctx.experiment);
    if (method.length === 0) log.info("No declared activities, let's move on.");
    for (const item of method) {
      if ((item as { background?: unknown }).background) {
        log.debug('activity will run in the background');
        // an error in a background activity stays inside it, like an unread future in the reference
        background.push(
          executeActivity(ctx, item, { phase: 'method', runs, background: true }).catch((err) =>
            log.debug(`background activity ended with: ${(err as Error).message}`),
          ),
        );
      } else {
        await executeActivity(ctx, item, { phase: 'method', runs });
      }
      const status = ctx.journal.status;
      if (status === 'aborted' || status === 'failed' || status === 'interrupted') break;
    }
  } finally {
    await awaitBackground(ctx, background);
    await ctx.controls.apply('method', 'after', ctx.experiment, runs);
  }
}

/** Waits for background activities, except after an ungraceful exit where they get a short grace period. */
export async function awaitBackground(ctx: RunContext, background: Promise<unknown>[]): Promise<void> {
  if (background.length === 0) return;
  if (ctx.interruption.first && !ctx.interruption.first.graceful) {
    log.debug('Do not wait for the background activities to finish as per signal');
    await Promise.race([Promise.allSettled(background), new Promise((r) => setTimeout(r, 200))]);
    return;
  }
  log.debug('Waiting for background activities to complete');
  await Promise.allSettled(background);
}
