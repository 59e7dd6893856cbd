// Provider types (`http`, `process`, `python`) register here; the engine and the validator look them up by name
// and never import one directly.
import type { Problem } from '../errors.ts';
import type { LedgerScope } from '../ledger/scope.ts';
import type { Activity, Configuration, JsonPath, Secrets } from '../experiment/types.ts';

export interface ProviderContext {
  configuration: Configuration;
  secrets: Secrets;
  /** aborted when the run is interrupted; providers stop their work (kill the child, drop the request) */
  signal?: AbortSignal;
  /** the run's fault ledger for this activity (python activities of a run), handed on to native driver calls */
  ledger?: LedgerScope;
}

export interface ProviderType {
  readonly type: string;
  /**
   * Checks that need the outside world, run by validation after the structural rules passed for this activity
   * (e.g. the process binary exists). `path` points at the activity.
   */
  validate?(activity: Activity, path: JsonPath): Problem[] | Promise<Problem[]>;
  /**
   * SIGTERM fails the running activity instead of interrupting the run. True for Python functions: in the reference
   * the signal raises chaoslib's InterruptExecution inside the function, which the provider records as a failure.
   */
  readonly terminationFailsActivity?: boolean;
  /** Runs the activity. Throws ActivityFailed for a failure the journal records; returns the output. */
  run(activity: Activity, ctx: ProviderContext): Promise<unknown>;
}

const providers = new Map<string, ProviderType>();

export function registerProvider(p: ProviderType): void {
  providers.set(p.type, p);
}

export function getProvider(type: string): ProviderType | undefined {
  return providers.get(type);
}

/** Every registered provider type, by name (for `info extensions`). */
export function listProviders(): ProviderType[] {
  return [...providers.values()].sort((a, b) => a.type.localeCompare(b.type));
}
