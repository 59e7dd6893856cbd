// Routing and middleware of api.go (gorilla/mux): unknown paths get mux's 404 text, a known path with another
// method an empty 405; matched routes get a request id, the browser block (403 for Mozilla/ user agents) and the
// 25 s timeout. Turbulence adds the bearer token check and the request body bound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { isLogged, log } from '../../log.ts';
import { httpError, sendApiError } from './errors.ts';
import * as h from './handlers.ts';
import { requestId } from './request-id.ts';

interface Route {
  pattern: RegExp;
  keys: (keyof h.Params)[];
  methods: Record<string, h.Handler>;
}

const route = (path: string, methods: Record<string, h.Handler>): Route => {
  const keys: (keyof h.Params)[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\{(\w+)\}/g, (_m, k: keyof h.Params) => {
      keys.push(k);
      return '([^/]+)';
    })}$`,
  );
  return { pattern, keys, methods };
};

export function routes(withMetrics: boolean): Route[] {
  const list = [
    route('/reset', { POST: h.resetState }),
    route('/proxies', { GET: h.proxyIndex, POST: h.proxyCreate }),
    route('/populate', { POST: h.populate }),
    route('/proxies/{proxy}', { GET: h.proxyShow, POST: h.proxyUpdate, PATCH: h.proxyUpdate, DELETE: h.proxyDelete }),
    route('/proxies/{proxy}/toxics', { GET: h.toxicIndex, POST: h.toxicCreate }),
    route('/proxies/{proxy}/toxics/{toxic}', { GET: h.toxicShow, POST: h.toxicUpdate, PATCH: h.toxicUpdate, DELETE: h.toxicDelete }),
    route('/version', { GET: h.version }),
  ];
  if (withMetrics) {
    // mux registers /metrics for every method
    const m = h.metricsHandler;
    list.push(route('/metrics', { GET: m, HEAD: m, POST: m, PUT: m, PATCH: m, DELETE: m, OPTIONS: m }));
  }
  return list;
}

const TIMEOUT_MS = 25_000;
const TIMEOUT_BODY = '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';

export interface ApiOptions {
  token?: string;
  maxBodyBytes: number;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      req.resume();
      reject(new TooLarge());
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
      } else parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function authorized(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  const want = Buffer.from(`Bearer ${token}`);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Serialises handlers, like the collection's mutexes in Toxiproxy: an update never interleaves with another. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => {});
    return result;
  }
}

export function createApiHandler(ctx: h.ApiContext, opts: ApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(ctx.metrics.enabled);
  const mutex = new Mutex();
  return (req, res) => {
    void serve(req, res).catch((err) => {
      log.error(`proxy API: ${(err as Error).message}`);
      if (!res.headersSent) sendApiError(res, err);
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (opts.token !== undefined && !authorized(req, opts.token)) {
      req.resume();
      res.setHeader('WWW-Authenticate', 'Bearer');
      httpError(res, '{"error":"unauthorized","status":401}', 401);
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    let match: RegExpExecArray | null = null;
    const found = table.find((r) => (match = r.pattern.exec(path)) !== null);
    if (!found || !match) {
      req.resume();
      httpError(res, '404 page not found', 404);
      return;
    }
    const handler = found.methods[req.method ?? 'GET'];
    if (!handler) {
      req.resume();
      res.writeHead(405, { 'Content-Length': 0 });
      res.end();
      return;
    }
    res.setHeader('X-Toxiproxy-Request-Id', requestId());
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      req.resume();
      httpError(res, 'User agent not allowed', 403);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, opts.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      res.setHeader('Connection', 'close');
      httpError(res, '{"error":"request body too large","status":413}', 413);
      return;
    }
    const params: h.Params = {};
    found.keys.forEach((k, i) => (params[k] = safeDecode(match![i + 1]!)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS)));
    const work = mutex.run(() => handler(ctx, params, body, req.method!));
    try {
      const reply = await Promise.race([work, timeout]);
      if (reply === 'timeout') {
        res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': TIMEOUT_BODY.length });
        res.end(TIMEOUT_BODY);
        return;
      }
      const headers: Record<string, string | number> = { ...reply.headers };
      if (reply.contentType) headers['Content-Type'] = reply.contentType;
      if (reply.body !== undefined) headers['Content-Length'] = Buffer.byteLength(reply.body);
      res.writeHead(reply.status, headers);
      res.end(reply.body);
    } catch (err) {
      sendApiError(res, err);
    } finally {
      clearTimeout(timer);
    }
    if (isLogged('debug')) log.debug(`proxy API: ${req.method} ${path} ${res.statusCode}`);
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
