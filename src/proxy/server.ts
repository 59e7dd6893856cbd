// The Toxiproxy-compatible server: the HTTP API plus every proxy it manages.
import { createServer, type Server } from 'node:http';
import { log } from '../log.ts';
import { createApiHandler } from './api/router.ts';
import { ProxyCollection } from './collection.ts';
import { Metrics } from './metrics.ts';
import { randomSource } from './random.ts';
import './toxics/index.ts';

export interface ProxyServerOptions {
  /** default 127.0.0.1; 'localhost' listens on both 127.0.0.1 and ::1 */
  host?: string;
  /** default 8474; 0 = ephemeral */
  port?: number;
  /** when set, every API request needs `Authorization: Bearer <token>`, else 401 */
  token?: string;
  /** default 1 MiB; larger bodies get 413 */
  maxBodyBytes?: number;
  /** the same array as POST /populate */
  config?: unknown[];
  seed?: number;
  /** Toxiproxy's -proxy-metrics and -runtime-metrics: /metrics exists only when one is set */
  proxyMetrics?: boolean;
  runtimeMetrics?: boolean;
}

export interface ProxyServer {
  /** http://host:port of the API */
  url: string;
  host: string;
  port: number;
  /** stops the API and every proxy, closes all connections */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Binds the API; 'localhost' takes the same port on 127.0.0.1 and ::1 (Node may resolve localhost to either). */
async function bindApi(make: () => Server, host: string, port: number): Promise<{ servers: Server[]; port: number }> {
  if (host !== 'localhost') {
    const s = make();
    return { servers: [s], port: await listen(s, host, port) };
  }
  for (let attempt = 0; ; attempt++) {
    const v4 = make();
    const actual = await listen(v4, '127.0.0.1', port);
    const v6 = make();
    try {
      await listen(v6, '::1', actual);
      return { servers: [v4, v6], port: actual };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return { servers: [v4], port: actual };
      await closeServer(v4);
      // an ephemeral port free on IPv4 but taken on IPv6: try another
      if (port !== 0 || attempt >= 5) throw err;
    }
  }
}

export async function startProxyServer(opts: ProxyServerOptions = {}): Promise<ProxyServer> {
  const host = opts.host ?? '127.0.0.1';
  const metrics = new Metrics(opts.proxyMetrics ?? false, opts.runtimeMetrics ?? false);
  const proxies = new ProxyCollection();
  const ctx = { proxies, env: { random: randomSource(opts.seed), metrics }, metrics };
  if (opts.config !== undefined) {
    const { populate } = await import('./api/handlers.ts');
    const reply = await populate(ctx, {}, Buffer.from(JSON.stringify(opts.config)), 'POST');
    if (reply.status !== 201) {
      proxies.clear();
      throw new Error(`cannot create the configured proxies: ${JSON.parse(reply.body!).error}`);
    }
    log.info(`populated ${opts.config.length} proxies from the configuration`);
  }
  const handler = createApiHandler(ctx, { token: opts.token, maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY });
  const make = () => {
    const s = createServer(handler);
    // Go's server: 60 s idle connections
    s.keepAliveTimeout = 60_000;
    return s;
  };
  let bound;
  try {
    bound = await bindApi(make, host, opts.port ?? 8474);
  } catch (err) {
    proxies.clear();
    throw err;
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${bound.port}`,
    host,
    port: bound.port,
    close() {
      closed ??= (async () => {
        proxies.clear();
        await Promise.all(bound.servers.map(closeServer));
      })();
      return closed;
    },
  };
}
