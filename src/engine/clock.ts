// Time as the journal writes it: ISO-8601 UTC with microseconds and `+00:00`, like Python's datetime.isoformat().
// The monotonic clock anchored to the wall clock once (hrtime rather than `performance`, whose first use loads
// perf_hooks and costs a short run a few milliseconds).
const originMicros = BigInt(Date.now()) * 1000n - process.hrtime.bigint() / 1000n;

/** Microseconds since the epoch, monotonic within the process. */
export function nowMicros(): number {
  return Number(originMicros + process.hrtime.bigint() / 1000n);
}

export function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const frac = String(us % 1_000_000).padStart(6, '0');
  return new Date(ms).toISOString().slice(0, 19) + '.' + frac + '+00:00';
}

/** Resolves after `seconds`, or rejects with the signal's reason when it aborts first. */
export function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, seconds * 1000));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
