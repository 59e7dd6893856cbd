// One HTTP request/response over pooled keep-alive connections, with the timeouts, connection retries and error
// texts of the reference's requests + urllib3 (HTTPAdapter(max_retries=n), i.e. Retry(total=n, read=False)).
// Loaded on the first http activity only, and node:https / node:zlib only when a request needs them: they are slow to
// import.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { isIP } from 'node:net';
import { constants as os } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { ChaosError } from '../errors.ts';
import { pythonRepr, pythonStr } from '../experiment/python.ts';
import { abortReason } from './abort.ts';

export interface HttpTarget {
  https: boolean;
  /** host as in the URL (IPv6 without brackets) */
  host: string;
  port: number;
  /** path and query, already quoted */
  path: string;
}

export interface ExchangeRequest {
  target: HttpTarget;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** seconds, null for none */
  connectTimeout: number | null;
  readTimeout: number | null;
  rejectUnauthorized: boolean;
  /** a CA bundle replacing node's store */
  caFile?: string;
  maxRetries: number;
  signal?: AbortSignal;
}

export interface ExchangeResponse {
  status: number;
  /** names and values as received, alternating */
  rawHeaders: string[];
  /** the body, gzip/deflate content-encoding undone */
  body: Buffer;
}

/** requests' ConnectionError; the message is its str(). */
export class ConnectionFailed extends Error {}
/** requests' Timeout (a read timeout before the response). */
export class TimedOut extends Error {}

// Keep-alive pools, reused across activities: one for http, one per TLS setting for https (so verify_tls=false never
// shares a socket with verified requests). Idle sockets are unref'd by the agent and do not keep the process alive.
const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgents = new Map<string, import('node:https').Agent>();
let https: typeof import('node:https') | undefined;

async function httpsAgent(rejectUnauthorized: boolean, caFile: string | undefined): Promise<import('node:https').Agent> {
  const key = `${rejectUnauthorized}:${caFile ?? ''}`;
  let agent = httpsAgents.get(key);
  if (!agent) {
    https ??= await import('node:https');
    let secureContext: import('node:tls').SecureContext | undefined;
    if (caFile !== undefined) {
      const { createSecureContext } = await import('node:tls');
      try {
        secureContext = createSecureContext({ ca: readFileSync(caFile) });
      } catch (e) {
        throw new ChaosError(`Could not find a suitable TLS CA certificate bundle, invalid path: ${caFile} (${(e as Error).message})`);
      }
    }
    agent = new https.Agent({ keepAlive: true, rejectUnauthorized, secureContext });
    httpsAgents.set(key, agent);
  }
  return agent;
}

/** Sends the request, retrying connection failures up to maxRetries times like urllib3 does. */
export async function exchange(req: ExchangeRequest): Promise<ExchangeResponse> {
  const agent = req.target.https ? await httpsAgent(req.rejectUnauthorized, req.caFile) : httpAgent;
  let remaining = req.maxRetries;
  for (;;) {
    try {
      return await attemptOnLiveSocket(req, agent);
    } catch (e) {
      if (!(e instanceof ConnectFailure)) throw e;
      // Retry.increment: total -= 1, exhausted below zero (so a float total rounds up, None never happens here).
      remaining -= 1;
      if (remaining < 0) {
        throw new ConnectionFailed(`${pool(req.target)}: Max retries exceeded with url: ${req.target.path} (Caused by ${e.message})`);
      }
    }
  }
}

/** A failure urllib3 retries: the message is the repr of the cause. */
class ConnectFailure extends Error {}
/** A pooled keep-alive socket the server had closed: resend on another socket, which does not count as a retry. */
class StaleSocket extends Error {}

async function attemptOnLiveSocket(req: ExchangeRequest, agent: http.Agent): Promise<ExchangeResponse> {
  for (;;) {
    try {
      return await attempt(req, agent);
    } catch (e) {
      if (!(e instanceof StaleSocket)) throw e;
    }
  }
}

function attempt(req: ExchangeRequest, agent: http.Agent): Promise<ExchangeResponse> {
  const { target, signal } = req;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    let settled = false;
    let connected = false;
    let responded = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const settle = (err: Error | null, res?: ExchangeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res!);
    };
    // Settle first so the error events the destruction causes are ignored.
    const failWith = (err: Error) => {
      settle(err);
      request.destroy();
    };
    const onAbort = () => failWith(abortReason(signal!));

    let request: http.ClientRequest;
    try {
      request = (target.https ? https! : http).request({
        agent,
        host: target.host,
        port: target.port,
        method: req.method,
        path: target.path,
        headers: req.headers,
      });
    } catch (e) {
      // node refuses invalid header names or values before sending anything
      return reject(e instanceof ChaosError ? e : new ChaosError(`Invalid request: ${(e as Error).message}`));
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    request.on('socket', (socket) => {
      if (!socket.connecting) {
        connected = true;
        return;
      }
      if (req.connectTimeout !== null) {
        connectTimer = setTimeout(() => {
          const t = pythonStr(req.connectTimeout);
          failWith(
            new ConnectFailure(
              `ConnectTimeoutError(<${connection(target)}>, ${pythonRepr(`Connection to ${target.host} timed out. (connect timeout=${t})`)})`,
            ),
          );
        }, req.connectTimeout * 1000);
      }
      socket.once('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    // The read timeout bounds each wait for data once connected (the TLS handshake included), like a socket timeout.
    if (req.readTimeout !== null) {
      request.setTimeout(req.readTimeout * 1000, () => {
        // A stall in the body surfaces in requests as a ConnectionError, before the headers as a Timeout.
        failWith(responded ? new ConnectionFailed(`${pool(target)}: Read timed out.`) : new TimedOut('Read timed out.'));
      });
    }

    request.on('error', (err: NodeJS.ErrnoException) => {
      if (responded) return; // the response handlers report it
      if (request.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return settle(new StaleSocket());
      settle(classify(err, target, connected));
    });

    request.on('response', (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        received += c.length;
      });
      res.on('end', () => {
        decodeContent(Buffer.concat(chunks), res.headers['content-encoding']).then(
          (body) => settle(null, { status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body }),
          (e: Error) => settle(e),
        );
      });
      const broken = () => settle(brokenBody(received, res.headers['content-length']));
      res.on('error', broken);
      res.on('close', () => {
        if (!res.complete) broken();
      });
    });

    request.end(req.body ?? undefined);
  });
}

function pool(t: HttpTarget): string {
  return `${t.https ? 'HTTPS' : 'HTTP'}ConnectionPool(host=${pythonRepr(t.host)}, port=${t.port})`;
}

function connection(t: HttpTarget): string {
  return `${t.https ? 'HTTPS' : 'HTTP'}Connection(host=${pythonRepr(t.host)}, port=${t.port})`;
}

const DNS: Record<string, string> = {
  ENOTFOUND: '[Errno -2] Name or service not known',
  EAI_AGAIN: '[Errno -3] Temporary failure in name resolution',
  EAI_FAIL: '[Errno -4] Non-recoverable failure in name resolution',
  EAI_NODATA: '[Errno -5] No address associated with hostname',
};

// glibc's strerror() texts, which Python prints; libuv's own texts differ in case and wording.
const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EPIPE: 'Broken pipe',
};

/** `[Errno 111] Connection refused`, as Python prints an OSError. */
function oserror(err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  const errno = (os.errno as Record<string, number>)[code];
  if (errno === undefined) return err.message;
  const text = STRERROR[code] ?? getSystemErrorMap().get(-errno)?.[1] ?? err.message;
  return `[Errno ${errno}] ${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

// Certificate verification failures: node reports OpenSSL's X509 verify codes (other TLS errors are ERR_SSL_*).
const CERT_CODES = /^(?:[A-Z_]*CERT[A-Z_]*|UNABLE_TO_[A-Z_]+)$/;

function classify(err: NodeJS.ErrnoException, target: HttpTarget, connected: boolean): Error {
  // happy eyeballs reports every address tried; Python reports the last one
  if (err instanceof AggregateError && err.errors.length) err = err.errors[err.errors.length - 1] as NodeJS.ErrnoException;
  const code = err.code ?? '';
  if (!connected) {
    if (code in DNS) {
      const msg = `${connection(target)}: Failed to resolve ${pythonRepr(target.host)} (${DNS[code]})`;
      return new ConnectFailure(`NameResolutionError(${pythonRepr(msg)})`);
    }
    const msg = `${connection(target)}: Failed to establish a new connection: ${oserror(err)}`;
    return new ConnectFailure(`NewConnectionError(${pythonRepr(msg)})`);
  }
  if (target.https && code.startsWith('ERR_SSL_')) {
    const reason = (err as { reason?: string }).reason ?? err.message;
    return new ConnectFailure(`SSLError(SSLError(1, ${pythonRepr(`[SSL: ${code.slice(8)}] ${reason}`)}))`);
  }
  if (target.https && CERT_CODES.test(code)) {
    const detail =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `${isIP(target.host) ? 'IP address' : 'Hostname'} mismatch, certificate is not valid for ${pythonRepr(target.host)}.`
        : err.message;
    const why = `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${detail}`;
    return new ConnectFailure(`SSLError(SSLCertVerificationError(1, ${pythonRepr(why)}))`);
  }
  // After the connection: urllib3 wraps the socket error in ProtocolError and does not retry it.
  if (err.message === 'socket hang up') {
    return new ConnectionFailed("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))");
  }
  const errno = (os.errno as Record<string, number>)[code];
  const cls = code === 'ECONNRESET' ? 'ConnectionResetError' : code === 'EPIPE' ? 'BrokenPipeError' : 'OSError';
  const detail = errno === undefined ? pythonRepr(err.message) : `${errno}, ${pythonRepr(oserror(err).replace(/^\[Errno -?\d+\] /, ''))}`;
  return new ConnectionFailed(`('Connection aborted.', ${cls}(${detail}))`);
}

/** The response ended early: requests raises ChunkedEncodingError, which is not a ConnectionError (the run aborts). */
function brokenBody(received: number, contentLength: string | undefined): ChaosError {
  if (contentLength === undefined) return new ChaosError("('Connection broken: Response ended prematurely')");
  const incomplete = `IncompleteRead(${received} bytes read, ${Number(contentLength) - received} more expected)`;
  return new ChaosError(`('Connection broken: ${incomplete}', ${incomplete})`);
}

/** Undoes gzip/deflate content-encodings as urllib3 does (others are left as they are). */
async function decodeContent(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (!encoding || body.length === 0) return body;
  const zlib = await import('node:zlib');
  let out = body;
  for (const e of encoding.toLowerCase().split(',').map((s) => s.trim()).reverse()) {
    try {
      if (e === 'gzip' || e === 'x-gzip') out = zlib.gunzipSync(out);
      // deflate is zlib-wrapped by the standard, raw by some servers; urllib3 accepts both
      else if (e === 'deflate') out = inflate(zlib, out);
    } catch (err) {
      throw new ChaosError(`Received response with content-encoding: ${encoding}, but failed to decode it: ${(err as Error).message}`);
    }
  }
  return out;
}

function inflate(zlib: typeof import('node:zlib'), b: Buffer): Buffer {
  try {
    return zlib.inflateSync(b);
  } catch {
    return zlib.inflateRawSync(b);
  }
}
