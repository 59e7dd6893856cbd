// What an activity keeps for the rest of its run (an embedded fault proxy): released when the run ends at the
// latest, so nothing outlives the run. Keyed by the run's configuration, the one object every activity of a run shares.
import { log } from '../log.ts';

const held = new WeakMap<object, Map<string, () => Promise<void>>>();

/** Registers `release` under `key` for the run; a second hold under the same key replaces the first. */
export function holdForRun(configuration: object, key: string, release: () => Promise<void>): void {
  let resources = held.get(configuration);
  if (!resources) held.set(configuration, (resources = new Map()));
  resources.set(key, release);
}

/** Forgets a resource its activity released itself (an undo stopped it). */
export function forgetForRun(configuration: object, key: string): void {
  held.get(configuration)?.delete(key);
}

/** Releases what the run still holds, newest first; a failure is logged, never raised. */
export async function releaseRun(configuration: object): Promise<void> {
  const resources = held.get(configuration);
  if (!resources) return;
  held.delete(configuration);
  for (const [key, release] of [...resources].reverse()) {
    try {
      await release();
    } catch (err) {
      log.warning(`could not release ${key} at the end of the run: ${(err as Error).message}`);
    }
  }
}
