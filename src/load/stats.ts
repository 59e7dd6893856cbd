// What a load run counts, and the summary it reports (the same mapping for `--json` and the experiment action).
import { Histogram, type Percentiles } from './histogram.ts';

export interface LoadSummary {
  url: string;
  method: string;
  /** closed: fixed concurrency; open: fixed rate */
  mode: 'closed' | 'open';
  connections: number;
  /** seconds the run lasted */
  duration: number;
  /** why it stopped: duration, requests (the count was reached), interrupted */
  stopped_by: 'duration' | 'requests' | 'interrupted';
  requests: {
    /** requests started (sent, or given to a connection that was opening) */
    sent: number;
    /** responses received, whatever their status */
    completed: number;
    /** requests that got no response (see errors) */
    failed: number;
    /** completed per second */
    per_second: number;
  };
  /** from send (open loop: from the scheduled send time) to the end of the response, completed requests only */
  latency_ms: Percentiles;
  /** responses by status code */
  status: Record<string, number>;
  non_2xx: number;
  /** requests without a response, by kind: connect_refused, reset, timeout, closed, invalid_response, tls, ... */
  errors: Record<string, number> & { total: number };
  bytes: { read: number; written: number; read_per_second: number };
  /** open loop only: the schedule and whether the generator (or the target) kept up with it */
  rate: null | {
    target: number;
    achieved: number;
    scheduled: number;
    /** requests whose send time was more than 10 ms after their scheduled time (kept_up allows 10 %) */
    late: number;
    max_lag_ms: number;
    /** due requests that found no free connection, waiting at the end */
    backlog: number;
    /** due requests dropped because the backlog was full (a second's worth) */
    missed: number;
    kept_up: boolean;
  };
}

export class Stats {
  readonly latency = new Histogram();
  readonly statusCounts = new Float64Array(1000);
  readonly errors = new Map<string, number>();
  sent = 0;
  completed = 0;
  failed = 0;
  bytesRead = 0;
  bytesWritten = 0;

  response(status: number, latencyMs: number): void {
    this.completed++;
    this.statusCounts[status]!++;
    this.latency.record(latencyMs * 1000);
  }

  error(kind: string): void {
    this.failed++;
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  get done(): number {
    return this.completed + this.failed;
  }

  summarize(base: Pick<LoadSummary, 'url' | 'method' | 'mode' | 'connections' | 'stopped_by' | 'rate'>, seconds: number): LoadSummary {
    const status: Record<string, number> = {};
    let non2xx = 0;
    this.statusCounts.forEach((n, code) => {
      if (n === 0) return;
      status[String(code)] = n;
      if (code < 200 || code > 299) non2xx += n;
    });
    const errors = { total: this.failed } as LoadSummary['errors'];
    for (const [k, n] of [...this.errors].sort()) errors[k] = n;
    const perSecond = (n: number) => (seconds > 0 ? Math.round((n / seconds) * 100) / 100 : 0);
    return {
      url: base.url,
      method: base.method,
      mode: base.mode,
      connections: base.connections,
      duration: Math.round(seconds * 1000) / 1000,
      stopped_by: base.stopped_by,
      requests: { sent: this.sent, completed: this.completed, failed: this.failed, per_second: perSecond(this.completed) },
      latency_ms: this.latency.summary(1000),
      status,
      non_2xx: non2xx,
      errors,
      bytes: { read: this.bytesRead, written: this.bytesWritten, read_per_second: perSecond(this.bytesRead) },
      rate: base.rate,
    };
  }
}
