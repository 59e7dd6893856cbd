// The embedded fault proxy: Turbulence's Toxiproxy-compatible server started inside the run's process. Its URL
// becomes the run's `toxiproxy_url`, so chaostoxi activities and this driver's use it without further settings; it
// stops with its undo, or when the run ends at the latest.
import { ActivityFailed } from '../../errors.ts';
import { holdForRun, forgetForRun } from '../../engine/run-resources.ts';
import { int, str } from '../../experiment/schema/vocabulary.ts';
import type { DriverActivity } from '../define.ts';
import { MODULE, atMost } from './actions.ts';

interface Running {
  close(): Promise<void>;
  configuration: Record<string, unknown>;
  /** toxiproxy_url before the server replaced it: put back when it stops */
  previous: unknown;
}

/** Servers this process started, by API URL. */
const running = new Map<string, Running>();

/** Whether `url` is a server this process runs: its proxies and toxics end with the run (the fault ledger skips them). */
export const isEmbedded = (url: string): boolean => running.has(url);

async function stop(url: string): Promise<boolean> {
  const server = running.get(url);
  if (!server) return false;
  running.delete(url);
  forgetForRun(server.configuration, `the embedded proxy server at ${url}`);
  const c = server.configuration;
  if (c.toxiproxy_url === url) {
    if (server.previous === undefined) delete c.toxiproxy_url;
    else c.toxiproxy_url = server.previous;
  }
  await server.close();
  return true;
}

export const serverActions: DriverActivity[] = [
  {
    name: 'start_proxy_server',
    kind: 'action',
    doc:
      'Start Turbulence\'s Toxiproxy-compatible fault proxy inside this run (API on host:port, port 0 for any free one) and make it the ' +
      'run\'s `toxiproxy_url`. Returns {url, host, port}; undone by stopping it, and stopped when the run ends at the latest.',
    arguments: [
      { name: 'port', schema: atMost(int({ minimum: 0 }), 65535), default: 0 },
      { name: 'host', schema: str({ minLength: 1 }), default: '127.0.0.1' },
    ],
    returns: 'mapping',
    run: async (a, ctx) => {
      const { startProxyServer } = await import('../../proxy/server.ts');
      let server;
      try {
        server = await startProxyServer({ host: a.host as string, port: a.port as number });
      } catch (err) {
        throw new ActivityFailed(`cannot start the proxy server on ${a.host}:${a.port}: ${(err as Error).message}`);
      }
      const c = ctx.configuration as Record<string, unknown>;
      running.set(server.url, { close: () => server.close(), configuration: c, previous: c.toxiproxy_url });
      c.toxiproxy_url = server.url;
      holdForRun(c, `the embedded proxy server at ${server.url}`, () => stop(server.url).then(() => undefined));
      return { url: server.url, host: server.host, port: server.port };
    },
    undo: (_, r) => ({ module: MODULE, func: 'stop_proxy_server', arguments: { url: (r as { url: string }).url } }),
  },
  {
    name: 'stop_proxy_server',
    kind: 'action',
    doc: 'Stop a proxy server start_proxy_server started (by its URL; the run\'s `toxiproxy_url` unless said). Returns whether one was running.',
    arguments: [{ name: 'url', schema: str({ minLength: 1 }), default: null }],
    returns: 'boolean',
    run: (a, ctx) => {
      const url = (a.url ?? (ctx.configuration as Record<string, unknown>).toxiproxy_url) as string | undefined;
      return url ? stop(url) : false;
    },
  },
];
