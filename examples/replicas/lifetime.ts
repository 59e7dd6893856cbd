// When the replicated service's processes stop: on SIGINT/SIGTERM, after an hour (an orphaned demo does not run
// forever), and, under `turbulence demo`, as soon as Turbulence is gone — even if it was killed and could not stop
// them. Turbulence passes its pid in $TURBULENCE_DEMO_PID; a replica the experiment restarts inherits it.
const LIFETIME_MS = 60 * 60 * 1000;
const WATCH_MS = 200;

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export function stopWithDemo(stop: () => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
  setTimeout(stop, LIFETIME_MS).unref();
  const demo = Number(process.env.TURBULENCE_DEMO_PID);
  if (!Number.isInteger(demo) || demo <= 1) return;
  // a child of Turbulence is re-parented the moment it exits (a pid that lingers as a zombie still "exists")
  const child = process.ppid === demo;
  setInterval(() => {
    if ((child && process.ppid !== demo) || !exists(demo)) stop();
  }, WATCH_MS).unref();
}
