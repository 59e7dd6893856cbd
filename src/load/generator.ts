// The load generator: N keep-alive connections driven either in a closed loop (fixed concurrency: each connection
// sends its next request when the previous one completes) or an open loop (fixed rate: requests are due at fixed
// times whatever the responses do, and latency counts from the due time, so a slow target cannot hide its queueing:
// no coordinated omission). Bounded by the duration and the request count, whichever comes first.
import { performance } from 'node:perf_hooks';
import { Connection, type ConnectionOwner } from './connection.ts';
import { type LoadOptions, checkOptions } from './options.ts';
import { serializeRequest } from './request.ts';
import { type LoadSummary, Stats } from './stats.ts';
import { Schedule } from './schedule.ts';
import { type Target, resolveTarget } from './target.ts';

export interface Progress {
  elapsed: number;
  completed: number;
  failed: number;
  /** completed per second over the last interval */
  perSecond: number;
}

export interface LoadHooks {
  /** aborting it stops the run early (stopped_by: interrupted) */
  signal?: AbortSignal;
  /** called about once a second */
  onProgress?: (p: Progress) => void;
}

export async function generateLoad(options: LoadOptions, hooks: LoadHooks = {}): Promise<LoadSummary> {
  checkOptions(options);
  const target = await resolveTarget(options.url, options.allowRemote);
  return new Generator(options, target, hooks).run();
}

class Generator implements ConnectionOwner {
  readonly request: Buffer;
  readonly insecure: boolean;
  readonly head: boolean;
  private readonly stats = new Stats();
  private readonly connections: Connection[] = [];
  /** open loop: connections with nothing to do */
  private readonly idle: Connection[] = [];
  private readonly schedule: Schedule | null;
  private readonly limit: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly retries = new Set<NodeJS.Timeout>();
  private start = 0;
  private stopping = false;
  private finish: (by: LoadSummary['stopped_by']) => void = () => {};

  constructor(
    private readonly options: LoadOptions,
    readonly target: Target,
    private readonly hooks: LoadHooks,
  ) {
    this.request = serializeRequest(target, options.method, options.headers, options.body);
    this.insecure = options.insecure;
    this.head = options.method.toUpperCase() === 'HEAD';
    this.limit = options.requests ?? Infinity;
    this.schedule = options.rate === null ? null : new Schedule(options.rate, this.limit);
  }

  run(): Promise<LoadSummary> {
    const { signal } = this.hooks;
    if (signal?.aborted) return Promise.resolve(this.summary('interrupted', 0));
    return new Promise((resolve) => {
      const onAbort = () => this.finish('interrupted');
      this.finish = (by) => {
        if (this.stopping) return;
        this.stopping = true;
        const elapsed = (performance.now() - this.start) / 1000;
        for (const t of this.timers) clearTimeout(t);
        for (const t of this.retries) clearTimeout(t);
        this.schedule?.stop();
        for (const c of this.connections) c.close();
        signal?.removeEventListener('abort', onAbort);
        resolve(this.summary(by, elapsed));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.start = performance.now();
      // timers keep whole milliseconds and may fire a fraction early: the run lasts at least its duration
      const atDuration = () => {
        const left = this.options.duration * 1000 - (performance.now() - this.start);
        if (left > 0) this.timers.push(setTimeout(atDuration, Math.max(1, left)));
        else this.finish('duration');
      };
      this.timers.push(setTimeout(atDuration, this.options.duration * 1000));
      this.timers.push(setInterval(() => this.sweep(), Math.min(100, Math.max(5, (this.options.timeout * 1000) / 4))));
      if (this.hooks.onProgress) this.timers.push(setInterval(this.progress(), 1000));
      for (let i = 0; i < this.options.connections; i++) this.connections.push(new Connection(this));
      if (this.schedule === null) {
        for (const c of this.connections) if (!this.next(c)) break;
      } else {
        for (const c of this.connections) {
          c.open();
          this.idle.push(c);
        }
        this.schedule.begin(this.start, (at) => this.due(at));
      }
    });
  }

  // ---- the two loops ----------------------------------------------------------------------------------------------

  /** Closed loop: the connection's next request, if the count allows one. */
  private next(c: Connection): boolean {
    if (this.stopping || this.stats.sent >= this.limit) return false;
    this.stats.sent++;
    c.send(performance.now());
    return true;
  }

  /** Open loop: a request falls due at `at`; a free connection sends it, else it waits for one. */
  private due(at: number): void {
    const c = this.idle.pop();
    if (c === undefined) return this.schedule!.wait(at);
    this.sendAt(c, at);
  }

  private sendAt(c: Connection, at: number): void {
    this.stats.sent++;
    this.schedule!.sent(at, performance.now());
    c.send(at);
  }

  /** A connection is free: closed loop sends again, open loop takes the oldest waiting request or goes idle. */
  private free(c: Connection): void {
    if (this.stopping) return;
    if (this.stats.done >= this.limit) return this.finish('requests');
    if (this.schedule === null) {
      this.next(c);
      return;
    }
    const waiting = this.schedule.take();
    if (waiting === undefined) this.idle.push(c);
    else this.sendAt(c, waiting);
  }

  // ---- ConnectionOwner --------------------------------------------------------------------------------------------

  responded(c: Connection, status: number, latencyMs: number): void {
    if (this.stopping) return;
    this.stats.response(status, latencyMs);
    this.free(c);
  }

  failed(c: Connection, kind: string, retryAfter: number): void {
    if (this.stopping) return;
    this.stats.error(kind);
    if (retryAfter === 0) return this.free(c);
    if (this.stats.done >= this.limit) return this.finish('requests');
    const t = setTimeout(() => {
      this.retries.delete(t);
      this.free(c);
    }, retryAfter);
    this.retries.add(t);
  }

  countWritten(bytes: number): void {
    this.stats.bytesWritten += bytes;
  }

  countRead(bytes: number): void {
    this.stats.bytesRead += bytes;
  }

  // ---- bookkeeping ------------------------------------------------------------------------------------------------

  /** Times out requests in flight for longer than --timeout (one sweep for all: no timer per request). */
  private sweep(): void {
    const limit = performance.now() - this.options.timeout * 1000;
    for (const c of this.connections) if (c.busy && c.startedAt < limit) c.timeout();
  }

  private progress(): () => void {
    let last = 0;
    return () => {
      const { completed, failed } = this.stats;
      this.hooks.onProgress!({ elapsed: (performance.now() - this.start) / 1000, completed, failed, perSecond: completed - last });
      last = completed;
    };
  }

  private summary(by: LoadSummary['stopped_by'], elapsed: number): LoadSummary {
    const o = this.options;
    return this.stats.summarize(
      {
        url: o.url,
        method: o.method.toUpperCase(),
        mode: this.schedule ? 'open' : 'closed',
        connections: o.connections,
        stopped_by: by,
        rate: this.schedule?.report(this.stats.sent, elapsed) ?? null,
      },
      elapsed,
    );
  }
}
