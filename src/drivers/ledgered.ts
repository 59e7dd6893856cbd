// A driver action under the fault ledger: its revert recorded (and fsynced) before it runs, its undo once it returned,
// and a rollback that calls the undo of an outstanding fault marks that fault reverted. Outside a run's ledger scope
// (discovery, tests, embedders without a ledger) the action simply runs.
import type { Json } from '../experiment/types.ts';
import type { NativeContext } from '../providers/python/native.ts';
import type { DefinedActivity, UndoCall } from './define.ts';

/** What the wrapper needs of an activity (drivers' definitions, and natives that keep their own signatures). */
export type LedgeredAction = Pick<DefinedActivity, 'module' | 'name' | 'kind' | 'run' | 'intent' | 'undo'>;

export async function runLedgered(
  def: LedgeredAction,
  args: Record<string, unknown>,
  ctx: NativeContext,
  normalize: (call: UndoCall) => UndoCall,
): Promise<unknown> {
  const scope = ctx.ledger;
  if (!scope || def.kind !== 'action') return def.run(args, ctx);
  const { ledger } = scope;
  const call = normalize({ module: def.module, func: def.name, arguments: args as Record<string, Json> });
  const reverting = ledger.matching(call);

  let fault = null;
  let plan: unknown;
  // an action that is the undo of a fault, or any rollback, reverts: recording it as a fault would revert the revert
  if ((def.intent || def.undo) && !scope.rollback && reverting.length === 0) {
    const intent = def.intent ? await def.intent(args, ctx) : { revert: null };
    plan = intent?.plan;
    if (intent !== null) fault = ledger.applying(scope, call, intent.revert);
  }
  let result: unknown;
  try {
    result = await def.run(args, ctx, plan);
  } catch (err) {
    if (fault) ledger.failed(fault, err);
    throw err;
  }
  if (fault) {
    const undo = def.undo?.(args, result) ?? null;
    // without an intent the exact undo is the only revert known
    ledger.applied(fault, undo && normalize(undo), def.intent ? undefined : undo);
  }
  for (const f of reverting) ledger.reverted(f, 'rollback', `${call.module}.${call.func} succeeded in a rollback`);
  return result;
}
