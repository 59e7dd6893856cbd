// Which run ledger, activity and JSON path a native driver call belongs to: made by the engine for each python
// activity and handed down with the provider context to the driver wrapper (ledgered.ts), so neither imports the other.
import type { RunLedger } from './run-ledger.ts';

export interface LedgerScope {
  ledger: RunLedger;
  activity: string | null;
  /** the activity's place in the experiment: method[2], rollbacks[0], steady-state-hypothesis.probes[1] */
  path: string | null;
  /** a rollback reverts: its actions are never recorded as faults of their own */
  rollback: boolean;
}
