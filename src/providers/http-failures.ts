// How a failed HTTP exchange reads, as requests + urllib3 word it: shared by both clients (node:http and the wire
// client), so a failure gives the same text whichever one carried the request.
import { isIP } from 'node:net';
import { constants as os } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { ChaosError } from '../errors.ts';
import { pythonRepr, pythonStr } from '../python/values.ts';
import type { HttpTarget } from './http-exchange.ts';

/** requests' ConnectionError; the message is its str(). */
export class ConnectionFailed extends Error {}
/** requests' Timeout (a read timeout before the response). */
export class TimedOut extends Error {}
/** A failure urllib3 retries: the message is the repr of the cause. */
export class ConnectFailure extends Error {}
/** A pooled keep-alive socket the server had closed: resend on another socket, which does not count as a retry. */
export class StaleSocket extends Error {}

export function pool(t: HttpTarget): string {
  return `${t.https ? 'HTTPS' : 'HTTP'}ConnectionPool(host=${pythonRepr(t.host)}, port=${t.port})`;
}

function connection(t: HttpTarget): string {
  return `${t.https ? 'HTTPS' : 'HTTP'}Connection(host=${pythonRepr(t.host)}, port=${t.port})`;
}

/** The connect timeout ran out (urllib3's ConnectTimeoutError, retried). */
export function connectTimedOut(target: HttpTarget, seconds: number): ConnectFailure {
  const why = `Connection to ${target.host} timed out. (connect timeout=${pythonStr(seconds)})`;
  return new ConnectFailure(`ConnectTimeoutError(<${connection(target)}>, ${pythonRepr(why)})`);
}

/** The read timeout ran out: before the headers requests raises a Timeout, inside the body a ConnectionError. */
export function readTimedOut(target: HttpTarget, responded: boolean): Error {
  return responded ? new ConnectionFailed(`${pool(target)}: Read timed out.`) : new TimedOut('Read timed out.');
}

/** What node:http reports when the connection ends before a response: its text and code, for `classify`. */
export function hangUp(): NodeJS.ErrnoException {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
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

/** A socket or request error before the response headers, as requests reports it. */
export function classify(err: NodeJS.ErrnoException, target: HttpTarget, connected: boolean): Error {
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
export function brokenBody(received: number, contentLength: string | undefined): ChaosError {
  if (contentLength === undefined) return new ChaosError("('Connection broken: Response ended prematurely')");
  const incomplete = `IncompleteRead(${received} bytes read, ${Number(contentLength) - received} more expected)`;
  return new ChaosError(`('Connection broken: ${incomplete}', ${incomplete})`);
}
