// The ledger's reverts: idempotent functions a driver registers beside its activities, named by a plain-JSON call
// so that `turbulence recover` can replay them in another process after a crash. Each checks the world before it
// changes anything (the moved file is still at its destination with the same inode, the paused process is the one
// started at the recorded time, the toxic is present), so running one whether or not the fault got applied, or
// twice, is safe. They are not experiment activities: discovery and the JSON Schema do not list them.
import { findNative } from '../providers/python/native.ts';

/** What a revert did: `changed` false when the world was already as it should be. */
export interface RevertOutcome {
  changed: boolean;
  detail: string;
}

export type RevertFunction = (args: Record<string, unknown>) => RevertOutcome | Promise<RevertOutcome>;

const reverts = new Map<string, RevertFunction>();

export function registerReverts(module: string, fns: Record<string, RevertFunction>): void {
  for (const [func, fn] of Object.entries(fns)) reverts.set(`${module}.${func}`, fn);
}

/** The revert module.func names, loading its driver first (recover runs in a process that has loaded none). */
export async function findRevert(module: string, func: string): Promise<RevertFunction | undefined> {
  if (!reverts.has(`${module}.${func}`)) {
    // loading any name of the module registers the driver, its reverts included
    await import('../drivers/index.ts');
    await findNative(module, func);
  }
  return reverts.get(`${module}.${func}`);
}

export const changed = (detail: string): RevertOutcome => ({ changed: true, detail });
export const unchanged = (detail: string): RevertOutcome => ({ changed: false, detail });
