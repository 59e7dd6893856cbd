// Rollbacks: played per the rollback strategy, in order, each one's failure not stopping the next.
import type { ActivityRun } from '../journal/journal.ts';
import { log } from '../log.ts';
import { executeActivity } from './activity.ts';
import type { RunContext } from './context.ts';
import { Interrupted } from './interruption.ts';
import { awaitBackground } from './method.ts';

/** The strategy table: default plays unless failed or interrupted; unknown strategies never play, silently. */
export function shouldPlayRollbacks(ctx: RunContext): boolean {
  const { status, deviated } = ctx.journal;
  switch (ctx.strategies.rollbacks) {
    case 'always':
      log.warning('Rollbacks were explicitly requested to be played');
      return true;
    case 'never':
      log.warning('Rollbacks were explicitly requested to not be played');
      return false;
    case 'default':
      return status !== 'failed' && status !== 'interrupted';
    case 'deviated':
      if (deviated) log.warning('Rollbacks will be played only because the experiment deviated');
      else
        log.warning(
          'Rollbacks were explicitely requested to be played only if the experiment deviated. ' +
            'Since this is not the case, we will not play them.',
        );
      return deviated;
    default:
      return false;
  }
}

export async function runRollbacks(ctx: RunContext): Promise<void> {
  if (!shouldPlayRollbacks(ctx)) {
    ctx.events.emit('rollbacksSkipped', `strategy '${ctx.strategies.rollbacks}', status ${ctx.journal.status ?? 'running'}`);
    return;
  }
  ctx.events.emit('rollbacksStarted');
  const runs: ActivityRun[] = [];
  ctx.journal.rollbacks = runs;
  try {
    log.info("Let's rollback...");
    const background: Promise<unknown>[] = [];
    try {
      await ctx.controls.apply('rollback', 'before', ctx.experiment);
      const rollbacks = ctx.experiment.rollbacks ?? [];
      if (rollbacks.length === 0) log.info("No declared rollbacks, let's move on.");
      for (const item of rollbacks) {
        log.info(`Rollback: ${(item as { name?: string }).name}`);
        if ((item as { background?: unknown }).background) {
          background.push(
            executeActivity(ctx, item, { phase: 'rollbacks', runs, background: true }).catch((err) =>
              log.debug(`background rollback ended with: ${(err as Error).message}`),
            ),
          );
        } else {
          await executeActivity(ctx, item, { phase: 'rollbacks', runs });
        }
      }
    } finally {
      await awaitBackground(ctx, background);
      await ctx.controls.apply('rollback', 'after', ctx.experiment, runs);
    }
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    ctx.journal.status = 'interrupted';
    if (err.kind === 'interrupt' || err.kind === 'SIGTERM') log.critical(err.message);
    else log.warning('Received an exit signal. Terminating now without running the remaining rollbacks.');
  } finally {
    ctx.events.emit('rollbacksCompleted');
  }
}
