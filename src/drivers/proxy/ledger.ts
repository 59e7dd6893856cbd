// The proxy faults under the fault ledger: before each change the API is read, so the recorded revert puts back the
// state found (a toxic removed only if present, a proxy re-created only if absent, `enabled` set back only if it
// differs); a change that would fail anyway (a name taken) records nothing. The embedded proxy server lives in the
// run's process and ends with it: nothing to record.
import { apiRequest } from './api.ts';
import { changed, registerReverts, unchanged } from '../../ledger/reverts.ts';
import type { Json } from '../../experiment/types.ts';
import type { DriverActivity } from '../define.ts';
import { MODULE } from './actions.ts';
import { call, resolveApi, seg } from './client.ts';
import { isEmbedded } from './server.ts';

type IntentFn = NonNullable<DriverActivity['intent']>;

const revert = (func: string, args: Record<string, unknown>) => ({ revert: { module: MODULE, func, arguments: args as Record<string, Json> } });

/** GET that answers null for a 404. */
export async function read(api: string, path: string): Promise<Record<string, unknown> | null> {
  const res = await apiRequest('GET', `${api}${path}`);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET ${api}${path} failed with ${res.status}: ${res.text.trim().slice(0, 200)}`);
  return res.json() as Record<string, unknown>;
}

const api = (a: Record<string, unknown>, ctx: { configuration: unknown }) => resolveApi(a.api_url, ctx.configuration as Record<string, unknown>);
const proxyPath = (name: unknown) => `/proxies/${seg(name)}`;

/** No record for a server inside this run: what is on it cannot outlive the run's process. */
function outsideRun(intent: IntentFn): IntentFn {
  return (a, ctx) => (isEmbedded(api(a, ctx)) ? null : intent(a, ctx));
}

function toggle(enabled: boolean): IntentFn {
  return async (a, ctx) => {
    const url = api(a, ctx);
    const proxy = await read(url, proxyPath(a.name));
    if (!proxy || proxy.enabled === enabled) return null;
    return revert('set_enabled', { api_url: url, name: a.name, enabled: proxy.enabled });
  };
}

const faultIntents: Record<string, IntentFn> = {
  create_proxy: async (a, ctx) => {
    const url = api(a, ctx);
    if (await read(url, proxyPath(a.name))) return null;
    return revert('delete_proxy_if_present', { api_url: url, name: a.name });
  },
  delete_proxy: async (a, ctx) => {
    const url = api(a, ctx);
    const p = await read(url, proxyPath(a.name));
    if (!p) return null;
    return revert('create_proxy_if_absent', { api_url: url, name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled });
  },
  disable_proxy: toggle(false),
  enable_proxy: toggle(true),
  add_toxic: async (a, ctx) => {
    const url = api(a, ctx);
    // the server names an unnamed toxic <type>_<stream>
    const name = a.name ?? `${a.type}_${a.stream}`;
    if (await read(url, `${proxyPath(a.proxy)}/toxics/${seg(name)}`)) return null;
    return revert('remove_toxic_if_present', { api_url: url, proxy: a.proxy, name });
  },
  remove_toxic: async (a, ctx) => {
    const url = api(a, ctx);
    const t = await read(url, `${proxyPath(a.proxy)}/toxics/${seg(a.name)}`);
    if (!t) return null;
    return revert('add_toxic_if_absent', { api_url: url, proxy: a.proxy, toxic: { name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity, attributes: t.attributes } });
  },
};

export const intents: Record<string, IntentFn> = {
  ...Object.fromEntries(Object.entries(faultIntents).map(([name, intent]) => [name, outsideRun(intent)])),
  start_proxy_server: () => null,
};

registerReverts(MODULE, {
  remove_toxic_if_present: async (a) => {
    const path = `${proxyPath(a.proxy)}/toxics/${seg(a.name)}`;
    if (!(await read(a.api_url as string, path))) return unchanged(`no toxic ${a.name} on proxy ${a.proxy}`);
    await call(a.api_url as string, 'DELETE', path);
    return changed(`removed toxic ${a.name} from proxy ${a.proxy}`);
  },
  add_toxic_if_absent: async (a) => {
    const toxic = a.toxic as Record<string, unknown>;
    if (await read(a.api_url as string, `${proxyPath(a.proxy)}/toxics/${seg(toxic.name)}`)) return unchanged(`toxic ${toxic.name} is on proxy ${a.proxy}`);
    await call(a.api_url as string, 'POST', `${proxyPath(a.proxy)}/toxics`, toxic);
    return changed(`added toxic ${toxic.name} back to proxy ${a.proxy}`);
  },
  delete_proxy_if_present: async (a) => {
    if (!(await read(a.api_url as string, proxyPath(a.name)))) return unchanged(`no proxy ${a.name}`);
    await call(a.api_url as string, 'DELETE', proxyPath(a.name));
    return changed(`deleted proxy ${a.name}`);
  },
  create_proxy_if_absent: async (a) => {
    if (await read(a.api_url as string, proxyPath(a.name))) return unchanged(`proxy ${a.name} exists`);
    await call(a.api_url as string, 'POST', '/proxies', { name: a.name, listen: a.listen, upstream: a.upstream, enabled: a.enabled });
    return changed(`created proxy ${a.name} again`);
  },
  /** The fields a modification changed (listen, upstream, enabled: those given) back to what they were. */
  restore_proxy: async (a) => {
    const p = await read(a.api_url as string, proxyPath(a.name));
    if (!p) return unchanged(`no proxy ${a.name}`);
    const before = a.fields as Record<string, unknown>;
    const differ = Object.fromEntries(Object.entries(before).filter(([k, v]) => p[k] !== v));
    if (Object.keys(differ).length === 0) return unchanged(`proxy ${a.name} has its ${Object.keys(before).join(', ')} as before`);
    await call(a.api_url as string, 'POST', proxyPath(a.name), differ);
    return changed(`set ${Object.keys(differ).join(', ')} of proxy ${a.name} back`);
  },
  set_enabled: async (a) => {
    const p = await read(a.api_url as string, proxyPath(a.name));
    if (!p) return unchanged(`no proxy ${a.name}`);
    if (p.enabled === a.enabled) return unchanged(`proxy ${a.name} is ${a.enabled ? 'enabled' : 'disabled'}`);
    await call(a.api_url as string, 'POST', proxyPath(a.name), { enabled: a.enabled });
    return changed(`${a.enabled ? 'enabled' : 'disabled'} proxy ${a.name} again`);
  },
});
