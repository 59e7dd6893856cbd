// An activity's own `timeout` (seconds), which the reference validates but never enforces: Turbulence fails the
// activity once it has run that long, and tells its provider to stop (the http request dropped, the process killed,
// a native driver's wait cut short), so that a hung activity cannot hold the run and its faults forever.
import { ActivityFailed } from '../errors.ts';
import type { Activity } from '../experiment/types.ts';

/** The activity's timeout in seconds, or null when it has none (or one that is not a positive number). */
export function activityTimeout(activity: Activity): number | null {
  const t = (activity as { timeout?: unknown }).timeout;
  return typeof t === 'number' && Number.isFinite(t) && t > 0 ? t : null;
}

/** Runs `work` with a signal aborted by the run's signal or the timeout; fails with ActivityFailed at the timeout. */
export function withTimeout<T>(seconds: number, signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timer = new AbortController();
  const failure = new ActivityFailed(`activity took too long to complete (its timeout is ${seconds}s)`);
  let handle: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    handle = setTimeout(() => {
      timer.abort(failure);
      reject(failure);
    }, seconds * 1000);
  });
  const call = work(AbortSignal.any([signal, timer.signal]));
  call.catch(() => {});
  return Promise.race([call, expired]).finally(() => clearTimeout(handle));
}
