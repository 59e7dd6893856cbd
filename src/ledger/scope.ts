// Which run ledger, activity and JSON path a native driver call belongs to: set by the engine around each activity,
// read by the driver wrapper (define.ts), so neither imports the other.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RunLedger } from './run-ledger.ts';

export interface LedgerScope {
  ledger: RunLedger;
  activity: string | null;
  /** the activity's place in the experiment: method[2], rollbacks[0], steady-state-hypothesis.probes[1] */
  path: string | null;
  /** a rollback reverts: its actions are never recorded as faults of their own */
  rollback: boolean;
}

const storage = new AsyncLocalStorage<LedgerScope>();

export function inLedgerScope<T>(scope: LedgerScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function ledgerScope(): LedgerScope | undefined {
  return storage.getStore();
}
