// The wire client: a plain-http request written straight onto a pooled keep-alive socket and its response read by
// ResponseParser, for a fraction of node:http's cost per request. Same request bytes, timeouts, errors and outputs as
// the node:http client (http-node.ts), which keeps what this one does not carry: https, request headers node:http
// gives a meaning of its own, and responses the parser does not accept (handed over with the bytes received so far).
import net from 'node:net';
import { abortReason } from './abort.ts';
import { decodeContent } from './http-content.ts';
import type { ExchangeRequest, ExchangeResponse, HttpTarget } from './http-exchange.ts';
import { StaleSocket, brokenBody, classify, connectTimedOut, hangUp, readTimedOut } from './http-failures.ts';
import { ReplaySocket } from './http-replay.ts';
import { ResponseParser } from './http-response.ts';

// node:http's checks, which make it throw before sending: such requests go to it
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const INVALID_PATH = /[^\u0021-\u00ff]/;
// request headers that change how node:http frames or follows up the request
const NODE_HEADERS = new Set(['transfer-encoding', 'expect', 'trailer', 'upgrade']);

export interface WireRequest {
  /** the request line, headers and body, as node:http would write them */
  bytes: Buffer;
  /** the request asked the server to close the connection */
  close: boolean;
}

/** The request as node:http would put it on the wire, or null when it is node:http's to send. */
export function wireRequest(req: ExchangeRequest): WireRequest | null {
  const { target, method, headers } = req;
  if (target.https || !(target.port > 0) || !TOKEN.test(method) || INVALID_PATH.test(target.path)) return null;
  let head = `${method} ${target.path} HTTP/1.1\r\n`;
  let host = false;
  let connection: string | undefined;
  // in the order node:http keeps them (an object's key order), then its Host and Connection
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (!TOKEN.test(name) || INVALID_VALUE.test(value)) return null;
    const lower = name.toLowerCase();
    if (NODE_HEADERS.has(lower)) return null;
    if (lower === 'host') {
      if (!value) return null; // node:http would put its own in its place
      host = true;
    } else if (lower === 'connection') {
      connection = value.toLowerCase();
      if (connection !== 'keep-alive' && connection !== 'close') return null;
    }
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head += `Host: ${hostHeader(target)}\r\n`;
  if (connection === undefined) head += 'Connection: keep-alive\r\n';
  head += '\r\n';
  const bytes = req.body ? Buffer.concat([Buffer.from(head, 'latin1'), req.body]) : Buffer.from(head, 'latin1');
  return { bytes, close: connection === 'close' };
}

function hostHeader({ host, port }: HttpTarget): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return port === 80 ? name : `${name}:${port}`;
}

function firstHeader(rawHeaders: string[], lowerName: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === lowerName) return rawHeaders[i + 1];
  return undefined;
}

/** node's agent keeps a socket only if the server's `Keep-Alive: timeout=N` leaves it more than a second. */
function hintAllowsReuse(hint: string | undefined): boolean {
  const seconds = hint === undefined ? undefined : /^timeout=(\d+)/.exec(hint)?.[1];
  return seconds === undefined || Number.parseInt(seconds, 10) * 1000 - 1000 > 0;
}

// Idle kept-alive connections per origin, last used first (node's agent schedules LIFO too).
const idle = new Map<string, Connection[]>();

/**
 * A connection to one origin. Its socket listeners stay for its whole life (adding and removing them per request
 * costs more than the request) and feed the attempt in progress. Idle in the pool it is unref'd, and anything from
 * the server (data, end, error) retires it.
 */
class Connection {
  readonly socket: net.Socket;
  readonly key: string;
  connected = false;
  current: Attempt | null = null;
  /** the socket's read timeout in ms, 0 for none, -1 unknown */
  private timeoutMs = 0;

  constructor(key: string, socket: net.Socket) {
    this.key = key;
    this.socket = socket;
    this.listen();
  }

  listen(): void {
    this.timeoutMs = -1;
    this.socket.on('connect', this.onConnect).on('data', this.onData).on('end', this.onEnd).on('error', this.onError);
    this.socket.on('close', this.onClose).on('timeout', this.onTimeout);
  }

  unlisten(): void {
    this.socket.off('connect', this.onConnect).off('data', this.onData).off('end', this.onEnd).off('error', this.onError);
    this.socket.off('close', this.onClose).off('timeout', this.onTimeout);
  }

  /** Sets the read timeout. An unchanged one is left as it is: writing the request restarts it. */
  readTimeout(ms: number): void {
    if (ms === this.timeoutMs) return;
    this.timeoutMs = ms;
    this.socket.setTimeout(ms);
  }

  release(): void {
    this.socket.unref();
    let list = idle.get(this.key);
    if (!list) idle.set(this.key, (list = []));
    list.push(this);
  }

  retire(): void {
    const list = idle.get(this.key);
    const i = list ? list.indexOf(this) : -1;
    if (i !== -1) list!.splice(i, 1);
    this.socket.destroy();
  }

  private readonly onConnect = () => {
    this.connected = true;
    this.current?.onConnect();
  };
  private readonly onData = (d: Buffer) => (this.current ? this.current.onData(d) : this.retire());
  private readonly onEnd = () => (this.current ? this.current.onEnd() : this.retire());
  private readonly onError = (err: NodeJS.ErrnoException) => (this.current ? this.current.onError(err) : this.retire());
  private readonly onClose = () => (this.current ? this.current.onError(null) : this.retire());
  // an idle connection's timer is the last request's read timeout: nothing to do
  private readonly onTimeout = () => this.current?.onTimeout();
}

function connection(target: HttpTarget, fresh: boolean): { conn: Connection; reused: boolean } {
  const key = `${target.host}:${target.port}`;
  const list = fresh ? undefined : idle.get(key);
  for (let conn = list?.pop(); conn; conn = list!.pop()) {
    if (conn.socket.destroyed) continue;
    conn.socket.ref();
    return { conn, reused: true };
  }
  const socket = net.connect({ host: target.host, port: target.port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 1000 });
  return { conn: new Connection(key, socket), reused: false };
}

/**
 * One attempt: on a pooled connection unless `fresh`, else on a new one. Rejects with StaleSocket when a pooled
 * connection turned out closed before the response began, as the node:http client does.
 */
export function attempt(req: ExchangeRequest, wire: WireRequest, fresh: boolean): Promise<ExchangeResponse> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) return reject(abortReason(req.signal));
    const { conn, reused } = connection(req.target, fresh);
    new Attempt(conn, reused, req, wire, resolve, reject).start();
  });
}

// The attempts in progress per abort signal, with one listener per signal: the engine gives all the activities of a
// run the same signal, and a listener per request costs more than the request.
const attemptsBySignal = new WeakMap<AbortSignal, Set<Attempt>>();

function abortable(signal: AbortSignal): Set<Attempt> {
  let attempts = attemptsBySignal.get(signal);
  if (!attempts) {
    const set = (attempts = new Set());
    attemptsBySignal.set(signal, set);
    signal.addEventListener('abort', () => set.forEach((a) => a.abort(abortReason(signal))), { once: true });
  }
  return attempts;
}

/** A request on a connection until its response is read, or the connection is handed to node:http. */
class Attempt {
  private readonly parser: ResponseParser;
  // everything the server sent for this response, for a hand-over to node:http (the body shares these buffers)
  private readonly received: Buffer[] = [];
  private written = false;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly reused: boolean,
    private readonly req: ExchangeRequest,
    private readonly wire: WireRequest,
    private readonly resolve: (res: ExchangeResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {
    this.parser = new ResponseParser(req.method === 'HEAD');
  }

  start(): void {
    const { conn, req } = this;
    conn.current = this;
    if (req.signal) abortable(req.signal).add(this);
    if (conn.connected) this.setReadTimeout();
    else if (req.connectTimeout !== null) {
      const seconds = req.connectTimeout;
      this.connectTimer = setTimeout(() => this.fail(connectTimedOut(req.target, seconds)), seconds * 1000);
    }
    conn.socket.write(this.wire.bytes, () => (this.written = true));
  }

  onConnect(): void {
    clearTimeout(this.connectTimer);
    this.setReadTimeout();
  }

  onData(d: Buffer): void {
    this.received.push(d);
    this.parser.feed(d);
    if (this.parser.state === 'done') this.complete();
    else if (this.parser.state === 'unsupported') this.handOver();
  }

  onEnd(): void {
    this.parser.end();
    if (this.parser.state === 'done') this.complete();
    else this.onError(null);
  }

  /** The connection failed or ended: before the response as node:http reports it (a pooled one is stale), inside it a broken body. */
  onError(err: NodeJS.ErrnoException | null): void {
    const { target } = this.req;
    const e = err ?? hangUp();
    if (!this.conn.connected) return this.fail(classify(e, target, false));
    if (this.parser.headersDone) return this.fail(brokenBody(this.parser.bodyLength, this.parser.contentLength));
    if (this.reused && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return this.fail(new StaleSocket());
    this.fail(classify(e, target, true));
  }

  onTimeout(): void {
    this.fail(readTimedOut(this.req.target, this.parser.headersDone));
  }

  abort(reason: Error): void {
    this.fail(reason);
  }

  private setReadTimeout(): void {
    this.conn.readTimeout(this.req.readTimeout === null ? 0 : this.req.readTimeout * 1000);
  }

  private finish(): void {
    this.conn.current = null;
    clearTimeout(this.connectTimer);
    if (this.req.signal) abortable(this.req.signal).delete(this);
  }

  private fail(err: Error): void {
    this.finish();
    this.conn.retire();
    this.reject(err);
  }

  private complete(): void {
    const { parser, conn } = this;
    this.finish();
    if (parser.keepAlive && !this.wire.close && !parser.trailing && this.written && hintAllowsReuse(parser.keepAliveHint)) conn.release();
    else conn.retire();
    const body = parser.body.length === 1 ? parser.body[0] : Buffer.concat(parser.body);
    const res = (b: Buffer) => ({ status: parser.status, rawHeaders: parser.rawHeaders, body: b });
    if (parser.contentEncoding === undefined) this.resolve(res(body));
    else decodeContent(body, parser.contentEncoding).then((b) => this.resolve(res(b)), this.reject);
  }

  /** node:http takes over the connection, reading the response from its first byte. */
  private handOver(): void {
    const { conn, req } = this;
    this.finish();
    conn.unlisten();
    const replay = new ReplaySocket(conn.socket, this.received);
    import('./http-node.ts')
      .then((node) => node.attempt(req, replay))
      .then(
        (res) => {
          if (replay.released && !this.wire.close && hintAllowsReuse(firstHeader(res.rawHeaders, 'keep-alive'))) {
            conn.listen();
            conn.release();
          } else if (replay.released) conn.retire();
          this.resolve(res);
        },
        (e: Error) => {
          if (replay.released) conn.retire();
          this.reject(e);
        },
      );
  }
}
