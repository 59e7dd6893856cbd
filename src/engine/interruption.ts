// Signals and control interruptions, delivered the way Python raises them: once, into whatever the main flow of the
// run is awaiting at that moment. After the runner has caught an interruption, `reset()` arms a fresh signal so
// that the rollbacks can still run (and be interrupted by a second signal).
import { InterruptExecution } from '../errors.ts';

/**
 * How the run was interrupted; mirrors KeyboardInterrupt / InterruptExecution / SystemExit(20|30). `timeout`:
 * Turbulence's --timeout for the whole run (graceful, like SIGTERM).
 */
export type InterruptKind = 'SIGINT' | 'SIGTERM' | 'SIGUSR1' | 'SIGUSR2' | 'interrupt' | 'timeout';

export class Interrupted extends InterruptExecution {
  override name = 'Interrupted';
  constructor(
    readonly kind: InterruptKind,
    message: string,
  ) {
    super(message);
  }
  /** SIGUSR2 (chaoslib's exit_ungracefully) skips rollbacks and does not wait for background activities. */
  get graceful(): boolean {
    return this.kind !== 'SIGUSR2';
  }
}

export class Interruption {
  private main = new AbortController();
  /** Set once the interruption has been raised into an awaiting step: like a Python exception, it is raised once. */
  private delivered = false;
  /**
   * What `race` awaits, rejected when the interruption comes: one set rather than a listener on the signal per
   * await, which costs every activity more than the engine's own bookkeeping.
   */
  private readonly waiters = new Set<(reason: unknown) => void>();
  /** Aborted only by an ungraceful exit: background activities are left alone otherwise. */
  readonly background = new AbortController();
  /** The first interruption received, if any. */
  first: Interrupted | null = null;

  get signal(): AbortSignal {
    return this.main.signal;
  }

  interrupt(err: Interrupted): void {
    this.first ??= err;
    if (!err.graceful) this.background.abort(err);
    this.main.abort(err);
    const reason = this.main.signal.reason;
    for (const waiter of this.waiters) waiter(reason);
    this.waiters.clear();
  }

  /** An interruption an activity absorbed (it became that activity's failure): the run goes on as if none came. */
  absorb(err: Interrupted): void {
    if (this.first === err) this.first = null;
    this.reset();
  }

  /** Called once the runner has handled an interruption, so later phases run under a fresh signal. */
  reset(): void {
    if (this.main.signal.aborted) this.main = new AbortController();
    this.delivered = false;
  }

  /**
   * Awaits `p`, or rejects with the interruption if one arrives first (the work itself is told through `signal`).
   * Once the interruption has been raised, later awaits (cleanup in `finally` blocks) run to their end.
   */
  race<T>(p: Promise<T>): Promise<T> {
    const signal = this.main.signal;
    if (signal.aborted) {
      if (this.delivered) return p;
      this.delivered = true;
      p.catch(() => {});
      return Promise.reject(signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = (reason: unknown) => {
        this.delivered = true;
        reject(reason);
      };
      this.waiters.add(waiter);
      p.then(
        (v) => {
          this.waiters.delete(waiter);
          resolve(v);
        },
        (e) => {
          this.waiters.delete(waiter);
          reject(e);
        },
      );
    });
  }
}

const MESSAGES: Record<Exclude<InterruptKind, 'interrupt' | 'timeout'>, string> = {
  SIGINT: 'Received a termination signal (Ctrl-C)...',
  SIGTERM: 'SIGTERM signal received',
  SIGUSR1: 'Received the exit signal: 20',
  SIGUSR2: 'Received the exit signal: 30',
};

/** Installs SIGINT, SIGTERM, SIGUSR1 and SIGUSR2 handlers for the duration of a run; returns the uninstaller. */
export function installSignalHandlers(interruption: Interruption, onSignal?: (kind: InterruptKind) => void): () => void {
  const kinds = ['SIGINT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2'] as const;
  const handlers = kinds.map((kind) => {
    const handler = () => {
      onSignal?.(kind);
      interruption.interrupt(new Interrupted(kind, MESSAGES[kind]));
    };
    process.on(kind, handler);
    return [kind, handler] as const;
  });
  return () => {
    for (const [kind, handler] of handlers) process.off(kind, handler);
  };
}
