// One keep-alive connection of the generator: at most one request in flight (no pipelining), reopened when the
// server closes it or an error kills it. The engine decides what to send and when; this only talks HTTP.
import { type Socket, connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { ResponseParser } from './response.ts';
import type { Target } from './target.ts';

export interface ConnectionOwner {
  readonly target: Target;
  readonly request: Buffer;
  readonly insecure: boolean;
  readonly head: boolean;
  /** a response arrived; the connection is free again */
  responded(conn: Connection, status: number, latencyMs: number): void;
  /** the request in flight got no response; `retryAfter` ms before the connection should be used again */
  failed(conn: Connection, kind: string, retryAfter: number): void;
  countRead(bytes: number): void;
  /** a request went out on a connected socket (one queued before a refused connect never does) */
  countWritten(bytes: number): void;
}

export class Connection {
  /** a request is in flight */
  busy = false;
  /** latency baseline: the send time, or in open loop the scheduled send time */
  scheduledAt = 0;
  /** when the request really went out (timeouts count from here) */
  startedAt = 0;
  private socket: Socket | null = null;
  private connected = false;
  /** a request was written before the connection was up */
  private queued = false;
  /** consecutive failures to connect, for the back-off */
  private connectFailures = 0;
  private readonly parser: ResponseParser;

  constructor(private readonly owner: ConnectionOwner) {
    this.parser = new ResponseParser((status, keepAlive) => this.responded(status, keepAlive));
    this.parser.noBody = owner.head;
  }

  /** Sends the request, opening the connection first if it has none. */
  send(scheduledAt: number): void {
    this.busy = true;
    this.scheduledAt = scheduledAt;
    this.startedAt = performance.now();
    // written before the connection is up, the request goes out as soon as it is (and counts then)
    if (this.connected && this.socket) this.owner.countWritten(this.owner.request.length);
    else this.queued = true;
    (this.socket ?? this.open()).write(this.owner.request);
  }

  /** Opens the connection ahead of the first request (open loop: the schedule should not wait for handshakes). */
  open(): Socket {
    const { target, insecure } = this.owner;
    const s = target.tls
      ? connectTls({
          host: target.address,
          port: target.port,
          servername: isIP(target.hostname) ? undefined : target.hostname,
          rejectUnauthorized: !insecure,
          ALPNProtocols: ['http/1.1'],
        })
      : connectTcp({ host: target.address, port: target.port });
    s.setNoDelay(true);
    this.socket = s;
    this.connected = false;
    this.parser.reset();
    s.once(target.tls ? 'secureConnect' : 'connect', () => {
      if (this.socket !== s) return;
      this.connected = true;
      this.connectFailures = 0;
      if (this.queued) this.owner.countWritten(this.owner.request.length);
      this.queued = false;
    });
    s.on('data', (chunk: Buffer) => {
      if (this.socket !== s) return;
      this.owner.countRead(chunk.length);
      if (this.parser.execute(chunk) !== null) this.fail('invalid_response');
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (this.socket === s) this.fail(errorKind(err));
    });
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.parser.end()) return;
      if (this.busy) this.fail('closed');
    });
    return s;
  }

  /** Gives up on the request in flight (timeout), as the server had failed it. */
  timeout(): void {
    this.fail('timeout');
  }

  /** Closes the socket; the engine is not told (the run is over). */
  close(): void {
    this.busy = false;
    this.drop();
  }

  private responded(status: number, keepAlive: boolean): void {
    this.busy = false;
    if (!keepAlive) this.drop();
    this.owner.responded(this, status, performance.now() - this.scheduledAt);
  }

  private fail(kind: string): void {
    const neverConnected = !this.connected;
    this.drop();
    if (neverConnected) this.connectFailures++;
    if (!this.busy) return; // an idle connection: reopened when next used
    this.busy = false;
    // a target that refuses or never answers connections is retried with a growing pause, not in a tight loop
    const retryAfter = neverConnected ? Math.min(1000, 10 * 2 ** (this.connectFailures - 1)) : 0;
    this.owner.failed(this, kind, retryAfter);
  }

  private drop(): void {
    const s = this.socket;
    if (s === null) return;
    this.socket = null;
    s.destroy();
  }
}

function errorKind(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connect_refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'unreachable';
    default:
      if (err.code?.startsWith('ERR_TLS') || err.code?.startsWith('ERR_SSL') || /CERT|SELF_SIGNED/.test(err.code ?? '')) return 'tls';
      return err.code ? err.code.toLowerCase() : 'other';
  }
}
