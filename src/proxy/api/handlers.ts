// The API's handlers, one per route of api.go, with its status codes and bodies.
import { VERSION } from '../../version.ts';
import type { ProxyCollection } from '../collection.ts';
import type { Metrics } from '../metrics.ts';
import { Proxy, ProxyAlreadyStarted, type ProxyEnv } from '../proxy.ts';
import { goJson, toxicJson } from '../toxic.ts';
import { decodeNewToxic, decodePopulate, decodeProxy, decodeToxicUpdate, requireProxyFields } from './bodies.ts';
import { ApiError, asApiError, ErrToxicNotFound } from './errors.ts';

/** The version Turbulence's API answers as: the Toxiproxy release whose behaviour it reproduces. */
export const TOXIPROXY_VERSION = '2.12.0';

export interface Reply {
  status: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ApiContext {
  proxies: ProxyCollection;
  env: ProxyEnv;
  metrics: Metrics;
}

export type Params = { proxy?: string; toxic?: string };
export type Handler = (ctx: ApiContext, params: Params, body: Buffer, method: string) => Promise<Reply> | Reply;

const json = (body: string, status = 200): Reply => ({ status, body, contentType: 'application/json' });

export const proxyIndex: Handler = ({ proxies }) => {
  // Go's json.Marshal sorts map keys
  const sorted = proxies.all().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return json(`{${sorted.map((p) => `${goJson(p.name)}:${p.json()}`).join(',')}}`);
};

export const proxyCreate: Handler = async ({ proxies, env }, _p, body) => {
  const input = decodeProxy(body, { name: '', listen: '', upstream: '', enabled: true });
  requireProxyFields(input);
  const proxy = new Proxy(env, input.name, input.listen, input.upstream);
  await proxies.add(proxy, input.enabled);
  return json(proxy.json(), 201);
};

export const populate: Handler = async ({ proxies, env }, _p, body) => {
  const created: Proxy[] = [];
  let error: ApiError | null = null;
  try {
    for (const input of decodePopulate(body)) {
      created.push(await proxies.addOrReplace(new Proxy(env, input.name, input.listen, input.upstream), input.enabled));
    }
  } catch (err) {
    error = asApiError(err);
  }
  // Go marshals an empty slice here as null
  const list = created.length ? `[${created.map((p) => p.json()).join(',')}]` : 'null';
  const head = error ? `"error":${goJson(error.message)},"status":${error.status},` : '';
  return json(`{${head}"proxies":${list}}`, error ? error.status : 201);
};

export const proxyShow: Handler = ({ proxies }, p) => json(proxies.get(p.proxy!).json());

export const proxyUpdate: Handler = async ({ proxies }, p, body) => {
  const proxy = proxies.get(p.proxy!);
  const input = decodeProxy(body, { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled });
  await proxy.update(input);
  return json(proxy.json());
};

export const proxyDelete: Handler = ({ proxies }, p) => {
  proxies.remove(p.proxy!);
  return { status: 204 };
};

export const resetState: Handler = async ({ proxies }) => {
  for (const proxy of proxies.all()) {
    try {
      await proxy.start();
    } catch (err) {
      if (!(err instanceof ProxyAlreadyStarted)) throw err;
    }
    proxy.toxics.reset();
  }
  return { status: 204 };
};

export const toxicIndex: Handler = ({ proxies }, p) =>
  json(`[${proxies.get(p.proxy!).toxics.list().map(toxicJson).join(',')}]`);

export const toxicCreate: Handler = ({ proxies }, p, body) => {
  const proxy = proxies.get(p.proxy!);
  const toxic = decodeNewToxic(body, (name) => proxy.toxics.find(name) !== undefined);
  proxy.toxics.add(toxic);
  return json(toxicJson(toxic));
};

export const toxicShow: Handler = ({ proxies }, p) => {
  const toxic = proxies.get(p.proxy!).toxics.find(p.toxic!);
  if (!toxic) throw ErrToxicNotFound;
  return json(toxicJson(toxic));
};

export const toxicUpdate: Handler = ({ proxies }, p, body) => {
  const proxy = proxies.get(p.proxy!);
  const toxic = proxy.toxics.find(p.toxic!);
  if (!toxic) throw ErrToxicNotFound;
  const change = decodeToxicUpdate(body, toxic);
  toxic.attributes = change.attributes;
  toxic.toxicity = change.toxicity;
  if (change.duration === null) delete toxic.duration;
  else if (change.duration !== undefined) toxic.duration = change.duration;
  proxy.toxics.update(toxic, change.duration !== undefined);
  return json(toxicJson(toxic));
};

export const toxicDelete: Handler = ({ proxies }, p) => {
  const proxy = proxies.get(p.proxy!);
  const toxic = proxy.toxics.find(p.toxic!);
  if (!toxic) throw ErrToxicNotFound;
  proxy.toxics.remove(toxic);
  return { status: 204 };
};

export const version: Handler = () => ({
  status: 200,
  body: `{"version": "${TOXIPROXY_VERSION}"}\n`,
  contentType: 'application/json;charset=utf-8',
  headers: { 'X-Turbulence-Version': VERSION },
});

export const metricsHandler: Handler = ({ metrics }) => ({
  status: 200,
  body: metrics.text(),
  contentType: 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores',
});
