// The engine's side of the fault ledger (src/ledger/): each python activity's provider gets the run ledger's scope,
// which it hands to native driver calls, so the driver wrapper knows which activity a fault belongs to; at the end of the run the outstanding faults are reverted and the
// journal says so in a field of its own (`turbulence`), after the reference's keys.
import type { ActivityOrRef } from '../experiment/types.ts';
import type { Activity } from '../experiment/types.ts';
import type { Journal } from '../journal/journal.ts';
import type { RunLedger } from '../ledger/run-ledger.ts';
import type { LedgerScope } from '../ledger/scope.ts';
import type { RunContext } from './context.ts';
import type { Phase } from './events.ts';

/** The ledger scope an activity's provider hands to native driver calls (python activities only reach them). */
export function activityScope(ctx: RunContext, item: ActivityOrRef, phase: Phase, activity: Activity): LedgerScope | undefined {
  if (!ctx.ledger || activity.provider?.type !== 'python') return undefined;
  return { ledger: ctx.ledger, activity: activity.name ?? null, path: locate(ctx, item, phase), rollback: phase === 'rollbacks' };
}

/** The item's JSON path in the experiment, e.g. method[2]. */
function locate(ctx: RunContext, item: ActivityOrRef, phase: Phase): string | null {
  const e = ctx.experiment;
  const lists: [string, unknown[] | undefined][] =
    phase === 'method'
      ? [['method', e.method]]
      : phase === 'rollbacks'
        ? [['rollbacks', e.rollbacks]]
        : [['steady-state-hypothesis.probes', e['steady-state-hypothesis']?.probes]];
  for (const [name, list] of lists) {
    const i = list?.indexOf(item) ?? -1;
    if (i >= 0) return `${name}[${i}]`;
  }
  return null;
}

/** Reverts what the run left outstanding (unless --keep-faults) and records it in the journal. */
export async function settleFaults(ledger: RunLedger, journal: Journal): Promise<void> {
  const { reverted, kept } = await ledger.settle();
  if (reverted.length || kept.length) journal.turbulence = { run: ledger.runId, reverted, kept };
}
