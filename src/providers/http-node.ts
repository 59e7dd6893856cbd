// The node:http(s) client: carries what the wire client does not (https, unusual request headers), and parses the
// responses the wire client hands over (a replayed connection). Loaded only then: node:http is slow to import, and
// node:https / node:tls only when a request needs them.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ChaosError } from '../errors.ts';
import { abortReason } from './abort.ts';
import { decodeContent } from './http-content.ts';
import type { ExchangeRequest, ExchangeResponse } from './http-exchange.ts';
import { StaleSocket, brokenBody, classify, connectTimedOut, readTimedOut } from './http-failures.ts';

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

/**
 * One attempt on a pooled or new connection; rejects with StaleSocket when a reused socket turned out closed.
 * With `replay`, the request is already on the wire and `replay` gives back what the server sent: node parses it.
 */
export async function attempt(req: ExchangeRequest, replay?: Duplex): Promise<ExchangeResponse> {
  const agent = replay ? undefined : req.target.https ? await httpsAgent(req.rejectUnauthorized, req.caFile) : httpAgent;
  const { target, signal } = req;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      replay?.destroy();
      return reject(abortReason(signal));
    }
    let settled = false;
    let connected = false;
    let responded = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const settle = (err: Error | null, res?: ExchangeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      // a replayed connection is never reused
      replay?.destroy();
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
        createConnection: replay && (() => replay),
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
        const seconds = req.connectTimeout;
        connectTimer = setTimeout(() => failWith(connectTimedOut(target, seconds)), seconds * 1000);
      }
      socket.once('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
      });
    });
    // The read timeout bounds each wait for data once connected (the TLS handshake included), like a socket timeout.
    if (req.readTimeout !== null) request.setTimeout(req.readTimeout * 1000, () => failWith(readTimedOut(target, responded)));

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

    // the request body went out with the head already when replaying: the replay socket swallows this copy
    request.end(req.body ?? undefined);
  });
}
