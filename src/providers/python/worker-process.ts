// One Python worker process (worker.py beside this file, or beside the bundle) and the requests in flight on it.
// The worker runs in its own process group, talks over a socket on its fd 3, and writes user output to our stderr.
// Its main thread reads fd 3 and runs each request itself; a request sent while that one is busy goes to fd 4,
// where a thread of the worker picks it up (so a background activity does not hold up the method).
// It holds the event loop open only while a request is in flight, and ends by itself when we close the socket or
// exit, so a run needs no explicit stop.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ChaosError } from '../../errors.ts';
import { type Level, isLogged, log } from '../../log.ts';
import { decodeLine, encodeLine } from './wire.ts';

export type Reply = Record<string, unknown>;

/** The worker ended before answering: it crashed, was killed, or could not start. */
export class WorkerGone extends ChaosError {
  override name = 'WorkerGone';
  constructor(
    message: string,
    /** it never got as far as running anything: the interpreter is unusable, no call of it can be blamed */
    readonly unusable = false,
  ) {
    super(message);
  }
}

const WORKER_FILE = fileURLToPath(new URL('./worker.py', import.meta.url));
/** An interpreter that has not said hello by then is stuck (the reference has no such step to compare with). */
const START_TIMEOUT_MS = 60_000;
/** How long a closed worker gets to exit by itself before it is killed. */
const STOP_GRACE_MS = 2_000;
const LEVELS = new Set<Level>(['debug', 'info', 'warning', 'error', 'critical']);

interface Call {
  resolve(reply: Reply): void;
  reject(err: unknown): void;
  /** aborting it abandons the call */
  signal: AbortSignal | undefined;
  /** the caller gave up (its run was interrupted): the answer, if any, is dropped */
  abandoned: boolean;
}

export class PythonWorker {
  private readonly child: ChildProcess;
  private readonly channel: Socket;
  private readonly side: Socket;
  /** the request the worker's main thread is running, if any */
  private mainCall: number | null = null;
  private readonly calls = new Map<number, Call>();
  /**
   * The signals this worker listens to: one listener per signal (a run's calls share its signal) rather than one
   * added and removed per call, which costs more than the rest of the call's bookkeeping.
   */
  private readonly listeners = new WeakMap<AbortSignal, () => void>();
  private nextId = 1;
  private partial = '';
  private ready = false;
  private startTimer: NodeJS.Timeout | null;
  private exited: Promise<void>;
  /** set once the worker can take no more requests, with the reason */
  gone: WorkerGone | null = null;
  /** an abandoned call still runs in it beside others: it takes no new requests and is killed once they are done */
  retiring = false;

  constructor(readonly interpreter: string) {
    this.child = spawn(interpreter, [WORKER_FILE], {
      // fd 1 is our stderr: whatever user code prints cannot reach the protocol nor our stdout
      stdio: ['ignore', 2, 'inherit', 'pipe', 'pipe'],
      detached: true,
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        TURBULENCE_PARENT_PID: String(process.pid),
        TURBULENCE_PYTHON_LOG: isLogged('debug') ? 'debug' : 'info',
      },
    });
    this.child.unref();
    this.channel = this.child.stdio[3] as Socket;
    this.channel.setEncoding('utf8');
    this.channel.on('data', (chunk: string) => this.receive(chunk));
    this.channel.on('error', () => {}); // the child's 'close' tells what happened
    this.channel.unref();
    this.side = this.child.stdio[4] as Socket;
    this.side.on('error', () => {});
    this.side.unref();
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.end(new WorkerGone(`cannot start the Python interpreter '${interpreter}': ${err.message}`, true));
        resolve();
      });
      this.child.on('close', (code, signal) => {
        const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
        const hint = this.ready ? '' : ' before it was ready (Turbulence needs Python 3.8 or later)';
        this.end(new WorkerGone(`the Python worker (${interpreter}) ${how}${hint}`, !this.ready));
        resolve();
      });
    });
    this.startTimer = setTimeout(() => {
      this.kill(new WorkerGone(`the Python interpreter '${interpreter}' did not start within ${START_TIMEOUT_MS / 1000} s`, true));
    }, START_TIMEOUT_MS).unref();
  }

  /** Sends one request; `signal` abandons it (and kills the worker when nothing else runs in it). */
  request(message: Record<string, unknown>, signal?: AbortSignal): Promise<Reply> {
    if (this.gone) return Promise.reject(this.gone);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    if (signal && !this.listeners.has(signal)) {
      const listener = () => this.abandonAll(signal);
      this.listeners.set(signal, listener);
      signal.addEventListener('abort', listener, { once: true });
    }
    return new Promise<Reply>((resolve, reject) => {
      this.calls.set(id, { resolve, reject, signal, abandoned: false });
      if (this.calls.size === 1) this.hold(true);
      const line = encodeLine({ ...message, id });
      if (this.mainCall === null) {
        this.mainCall = id;
        this.channel.write(line);
      } else {
        this.side.write(line);
      }
    });
  }

  /** Closes the channel: the worker exits at EOF; one that does not within the grace period is killed. */
  async close(): Promise<void> {
    if (!this.gone) {
      this.gone = new WorkerGone(`the Python worker (${this.interpreter}) was stopped`);
      this.channel.end();
      this.side.end();
    }
    const timer = setTimeout(() => this.kill(this.gone!), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the worker's whole process group (the processes user code started go with it). */
  kill(reason: WorkerGone): void {
    this.gone ??= reason;
    // once reaped, its pid (and group id) may belong to someone else
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /** Keeps the event loop alive while a call is in flight (to hear its answer, or the worker's exit), not longer. */
  private hold(on: boolean): void {
    if (on) {
      this.child.ref();
      this.channel.ref();
    } else {
      this.child.unref();
      this.channel.unref();
    }
  }

  /** The calls made under `signal` (still waiting for their answer), in the order they were sent, are abandoned. */
  private abandonAll(signal: AbortSignal): void {
    for (const call of this.calls.values()) {
      if (call.signal !== signal || call.abandoned) continue;
      call.abandoned = true;
      call.reject(signal.reason);
      this.settle();
    }
  }

  /**
   * Only abandoned calls left: nobody waits for this worker, kill it. Abandoned calls beside live ones: take no new
   * requests, and close once the live ones are answered.
   */
  private settle(): void {
    let abandoned = 0;
    for (const c of this.calls.values()) if (c.abandoned) abandoned++;
    if (abandoned > 0 && abandoned === this.calls.size) {
      this.kill(new WorkerGone(`the Python worker (${this.interpreter}) was stopped: its call was interrupted`));
    } else if (abandoned > 0) {
      this.retiring = true;
    } else if (this.retiring && this.calls.size === 0) {
      void this.close();
    }
  }

  private receive(chunk: string): void {
    const text = this.partial ? this.partial + chunk : chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      start = end + 1;
      if (!line) continue;
      let msg: Reply;
      try {
        msg = decodeLine(line);
      } catch {
        this.partial = '';
        this.kill(new WorkerGone(`the Python worker (${this.interpreter}) sent an unreadable reply: ${line.slice(0, 200)}`));
        return;
      }
      this.dispatch(msg);
    }
    this.partial = start === text.length ? '' : text.slice(start);
  }

  private dispatch(msg: Reply): void {
    if (typeof msg.log === 'string') {
      const level = LEVELS.has(msg.log as Level) ? (msg.log as Level) : 'info';
      log[level](String(msg.msg));
      return;
    }
    if (msg.ready) {
      this.ready = true;
      if (this.startTimer) clearTimeout(this.startTimer);
      this.startTimer = null;
      log.debug(`Python worker ${msg.pid} started: Python ${msg.python} (${msg.executable})`);
      return;
    }
    const id = msg.id as number;
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    if (this.mainCall === id) this.mainCall = null;
    if (this.calls.size === 0) this.hold(false);
    if (!call.abandoned) call.resolve(msg);
    if (call.abandoned || this.retiring) this.settle();
  }

  private end(reason: WorkerGone): void {
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    this.gone ??= reason;
    this.hold(false);
    // the reason of the exit itself, not "was stopped", is what a caller still waiting needs to hear
    for (const call of this.calls.values()) {
      // the run's signal outlives this worker: its successors listen to it too (11 listeners make Node warn)
      const listener = call.signal && this.listeners.get(call.signal);
      if (listener) call.signal!.removeEventListener('abort', listener);
      if (!call.abandoned) call.reject(reason);
    }
    this.calls.clear();
  }
}
