// The open loop's clock: request i falls due at start + i/rate, whatever happened to the earlier ones. Due requests
// that find every connection busy wait in a bounded queue (a second's worth); the report says whether the generator
// and the target kept up with the schedule.
import { performance } from 'node:perf_hooks';
import type { LoadSummary } from './stats.ts';

/** a send later than this after its due time counts as late */
const LATE_MS = 10;

export class Schedule {
  private readonly interval: number;
  private readonly queue: Float64Array;
  private head = 0;
  private length = 0;
  private scheduled = 0;
  private missed = 0;
  private late = 0;
  private maxLag = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly rate: number,
    private readonly limit: number,
  ) {
    this.interval = 1000 / rate;
    this.queue = new Float64Array(Math.min(100_000, Math.max(1024, Math.ceil(rate))));
  }

  /** Starts the clock: `due` is called with the due time of each request, in order, as it falls due. */
  begin(start: number, due: (at: number) => void): void {
    const tick = () => {
      if (this.stopped) return;
      const now = performance.now();
      // every request due by now, at once: a late tick catches up, and each keeps its own due time
      const until = Math.min(this.limit, Math.floor((now - start) / this.interval) + 1);
      while (this.scheduled < until && !this.stopped) due(start + this.scheduled++ * this.interval);
      if (this.scheduled >= this.limit) return;
      this.timer = setTimeout(tick, Math.max(0, start + this.scheduled * this.interval - performance.now()));
    };
    tick();
  }

  /** A due request found no free connection. */
  wait(at: number): void {
    if (this.length === this.queue.length) {
      this.missed++;
      return;
    }
    this.queue[(this.head + this.length++) % this.queue.length] = at;
  }

  /** The oldest waiting request's due time. */
  take(): number | undefined {
    if (this.length === 0) return undefined;
    const at = this.queue[this.head]!;
    this.head = (this.head + 1) % this.queue.length;
    this.length--;
    return at;
  }

  sent(at: number, now: number): void {
    const lag = now - at;
    if (lag > LATE_MS) this.late++;
    if (lag > this.maxLag) this.maxLag = lag;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  report(sent: number, elapsed: number): NonNullable<LoadSummary['rate']> {
    const behind = this.missed + this.length;
    return {
      target: this.rate,
      achieved: elapsed > 0 ? Math.round((sent / elapsed) * 100) / 100 : 0,
      scheduled: this.scheduled,
      late: this.late,
      max_lag_ms: Math.round(this.maxLag * 1000) / 1000,
      backlog: this.length,
      missed: this.missed,
      // some slack: the last due requests may still wait for a connection when the clock stops, and a busy machine
      // delays a few sends now and then (their latency shows it)
      kept_up: behind <= Math.max(1, this.scheduled * 0.01) && this.late <= Math.max(1, sent * 0.1),
    };
  }
}
