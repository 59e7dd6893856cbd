// One HTTP request/response over pooled keep-alive connections, with the timeouts, connection retries and error
// texts of the reference's requests + urllib3 (HTTPAdapter(max_retries=n), i.e. Retry(total=n, read=False)).
// Plain http goes through the wire client (http-wire.ts); https and what it does not carry through node:http
// (http-node.ts, loaded on first need: node:http and node:https are slow to import).
import { ConnectFailure, ConnectionFailed, StaleSocket, pool } from './http-failures.ts';
import { attempt as wireAttempt, wireRequest, type WireRequest } from './http-wire.ts';

export { ConnectionFailed, TimedOut } from './http-failures.ts';

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

let wireClient = true;

/** Whether plain-http requests may take the wire client (tests run the same exchanges through both clients). */
export function useWireClient(enabled: boolean): void {
  wireClient = enabled;
}

/** Sends the request, retrying connection failures up to maxRetries times like urllib3 does. */
export async function exchange(req: ExchangeRequest): Promise<ExchangeResponse> {
  const wire = wireClient ? wireRequest(req) : null;
  let remaining = req.maxRetries;
  for (;;) {
    try {
      return await (wire ? attemptOnWire(req, wire) : attemptWithNode(req));
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

/** A pooled socket found closed before any response: once more on a new connection, which cannot be stale. */
async function attemptOnWire(req: ExchangeRequest, wire: WireRequest): Promise<ExchangeResponse> {
  try {
    return await wireAttempt(req, wire, false);
  } catch (e) {
    if (!(e instanceof StaleSocket)) throw e;
    return wireAttempt(req, wire, true);
  }
}

async function attemptWithNode(req: ExchangeRequest): Promise<ExchangeResponse> {
  const node = await import('./http-node.ts');
  for (;;) {
    try {
      return await node.attempt(req);
    } catch (e) {
      if (!(e instanceof StaleSocket)) throw e;
    }
  }
}
