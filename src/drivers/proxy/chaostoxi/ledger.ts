// chaostoolkit-toxiproxy's actions under the fault ledger (src/ledger/). Before each change the API is read, as the
// turbulence.proxy driver does, and the revert recorded puts back what was found (a toxic removed if present, a proxy
// deleted if present, `enabled`/`listen`/`upstream` set back if they differ); the reverts are turbulence.proxy's own.
// The results, failures and log lines stay the reference's: a read that fails records nothing (the action then fails
// as the reference's would), and so does a change that would fail anyway (a name taken, a proxy missing, an unset
// `env:` variable). Faults on an embedded proxy server of this run are not recorded: they end with the run.
import type { Json } from '../../../experiment/types.ts';
import { pythonStr } from '../../../python/values.ts';
import type { NativeContext, NativeFunction, NativeParameter } from '../../../providers/python/native.ts';
import type { Intent, UndoCall } from '../../define.ts';
import { runLedgered } from '../../ledgered.ts';
import { MODULE as PROXY } from '../actions.ts';
import { apiRequest } from '../api.ts';
import { seg } from '../client.ts';
import '../ledger.ts'; // registers the reverts recorded here
import { isEmbedded } from '../server.ts';
import { configOf } from './signature.ts';
import { computeBase } from './toxiproxyapi.ts';

type Args = Record<string, unknown>;
type Proxy = Record<string, unknown> & { toxics?: Record<string, unknown>[] };

export interface Ledgered {
  /** decided before the call: the revert, or null when nothing will be left behind (or the state cannot be read) */
  intent?(a: Args, api: string, ctx: NativeContext): Promise<Intent | null>;
  /** the chaostoxi call that reverts the action (what a rollback calls): matched to the fault by the ledger */
  undo?(a: Args): UndoCall | null;
}

/** Signatures by module.func: the normal form of a call fills in the defaults, so equal calls compare equal. */
const signatures = new Map<string, NativeParameter[]>();

/** The call's normal form: the arguments with defaults, `configuration` replaced by the API URL it names. */
function normalize(call: UndoCall): UndoCall {
  const params = signatures.get(`${call.module}.${call.func}`);
  if (!params) return call;
  const args: Record<string, Json> = {};
  for (const p of params) {
    if (p.name === 'configuration') continue;
    if (Object.hasOwn(call.arguments, p.name)) args[p.name] = call.arguments[p.name]!;
    else if (!p.required) args[p.name] = (p.default ?? null) as Json;
  }
  args.api_url = apiOf(call.arguments as Args);
  return { module: call.module, func: call.func, arguments: args };
}

/** The base URL the reference builds from the configuration (trailing slashes dropped); null when it builds none. */
function apiOf(a: Args): string | null {
  const base = computeBase(configOf(a));
  return typeof base === 'string' ? base.replace(/\/+$/, '') : null;
}

/** A chaostoxi action whose run goes through the fault ledger's wrapper. */
export function ledgered(def: NativeFunction, ledger: Ledgered = {}): NativeFunction {
  signatures.set(`${def.module}.${def.func}`, def.parameters ?? []);
  const action = {
    module: def.module,
    name: def.func,
    kind: 'action' as const,
    run: (a: Args, ctx: NativeContext) => def.run(a, ctx),
    ...(ledger.undo ? { undo: (a: Args) => ledger.undo!(a) } : {}),
    ...(ledger.intent
      ? {
          intent: async (a: Args, ctx: NativeContext) => {
            const api = apiOf(a);
            if (api === null || isEmbedded(api)) return null;
            try {
              return await ledger.intent!(a, api, ctx);
            } catch (err) {
              if (ctx.signal?.aborted) throw err;
              // unreadable: the action fails the reference's way (its own request), and leaves nothing
              return null;
            }
          },
        }
      : {}),
  };
  return { ...def, run: (a, ctx) => runLedgered(action, a, ctx, normalize) };
}

/** GET of a proxy: null for a 404; throws on anything else (the intent then records nothing). */
async function readProxy(api: string, name: unknown, signal?: AbortSignal): Promise<Proxy | null> {
  const res = await apiRequest('GET', `${api}/proxies/${seg(name)}`, undefined, signal);
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`GET ${api}/proxies/${seg(name)}: ${res.status}`);
  return res.json() as Proxy;
}

const revert = (func: string, args: Record<string, unknown>): Intent => ({ revert: { module: PROXY, func, arguments: args as Record<string, Json> } });
const call = (module: string, func: string, a: Args, args: Args): UndoCall => ({
  module,
  func,
  arguments: { ...args, configuration: a.configuration } as Record<string, Json>,
});

const TOXIC = 'chaostoxi.toxic.actions';
const PROXIES = 'chaostoxi.proxy.actions';
/** What an intent read before the change, by the call's arguments: the undo reverts to it. */
const found = new WeakMap<Args, Record<string, unknown>>();

/** The toxic's name as the server gives it: <type>_<stream> when none is given; null when the server refuses it. */
function toxicName(a: Args, type: unknown, stream: unknown): string | null {
  if (a.toxic_name === null || a.toxic_name === '') return `${pythonStr(type)}_${stream === null || stream === '' ? 'downstream' : pythonStr(stream)}`;
  return typeof a.toxic_name === 'string' ? a.toxic_name : null;
}

/** create_toxic and its shortcuts: recorded when the proxy exists and the toxic's name is free. */
export function toxicFault(type: (a: Args) => unknown, stream: (a: Args) => unknown): Ledgered {
  return {
    intent: async (a, api, ctx) => {
      const name = toxicName(a, type(a), stream(a));
      if (name === null) return null;
      const proxy = await readProxy(api, a.for_proxy, ctx.signal);
      if (!proxy || (proxy.toxics ?? []).some((t) => t.name === name)) return null;
      return revert('remove_toxic_if_present', { api_url: api, proxy: a.for_proxy, name });
    },
    undo: (a) => {
      const name = toxicName(a, type(a), stream(a));
      return name === null ? null : call(TOXIC, 'delete_toxic', a, { for_proxy: a.for_proxy, toxic_name: name });
    },
  };
}

/** delete_toxic in the method: the toxic found is added back; create_toxic with its settings undoes it. */
export const toxicRemoval: Ledgered = {
  intent: async (a, api, ctx) => {
    const proxy = await readProxy(api, a.for_proxy, ctx.signal);
    const t = (proxy?.toxics ?? []).find((x) => x.name === a.toxic_name);
    if (!t) return null;
    found.set(a, t);
    return revert('add_toxic_if_absent', { api_url: api, proxy: a.for_proxy, toxic: { name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity, attributes: t.attributes } });
  },
  undo: (a) => {
    const t = found.get(a);
    if (!t) return null;
    return call(TOXIC, 'create_toxic', a, { for_proxy: a.for_proxy, toxic_name: t.name, toxic_type: t.type, stream: t.stream, toxicity: t.toxicity, attributes: t.attributes });
  },
};

/** `env:NAME` arguments whose variable is unset: create_proxy fails with KeyError before any request. */
const unsetVariable = (...values: unknown[]) => values.some((v) => typeof v === 'string' && v.startsWith('env:') && process.env[v.slice(4)] === undefined);

export const proxyCreation: Ledgered = {
  intent: async (a, api, ctx) => {
    if (unsetVariable(a.upstream_host, a.upstream_port)) return null;
    if (await readProxy(api, a.proxy_name, ctx.signal)) return null;
    return revert('delete_proxy_if_present', { api_url: api, name: a.proxy_name });
  },
  undo: (a) => call(PROXIES, 'delete_proxy', a, { proxy_name: a.proxy_name }),
};

/** host:port → [host, port as a number when it is one] */
function address(hostPort: unknown): [string, unknown] {
  const text = pythonStr(hostPort);
  const at = text.lastIndexOf(':');
  const port = text.slice(at + 1);
  return [text.slice(0, Math.max(at, 0)), /^\d+$/.test(port) ? Number(port) : port];
}

/** delete_proxy in the method: the proxy found is created again (without its toxics, as turbulence.proxy does). */
export const proxyDeletion: Ledgered = {
  intent: async (a, api, ctx) => {
    const p = await readProxy(api, a.proxy_name, ctx.signal);
    if (!p) return null;
    found.set(a, p);
    return revert('create_proxy_if_absent', { api_url: api, name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled });
  },
  undo: (a) => {
    const p = found.get(a);
    if (!p) return null;
    const [upstreamHost, upstreamPort] = address(p.upstream);
    const [listenHost, listenPort] = address(p.listen);
    return call(PROXIES, 'create_proxy', a, { proxy_name: a.proxy_name, upstream_host: upstreamHost, upstream_port: upstreamPort, listen_host: listenHost, listen_port: listenPort, enabled: p.enabled });
  },
};

/** disable_proxy / enable_proxy: recorded when the proxy is not in that state yet; undone by the other one. */
export function toggle(enabled: boolean): Ledgered {
  return {
    intent: async (a, api, ctx) => {
      const p = await readProxy(api, a.proxy_name, ctx.signal);
      if (!p || p.enabled === enabled) return null;
      return revert('set_enabled', { api_url: api, name: a.proxy_name, enabled: p.enabled });
    },
    undo: (a) => call(PROXIES, enabled ? 'disable_proxy' : 'enable_proxy', a, { proxy_name: a.proxy_name }),
  };
}

/** The proxy fields modify_proxy changes, by the API's names, from its arguments. */
const FIELDS: [arg: string, field: string][] = [
  ['listen_address', 'listen'],
  ['upstream_address', 'upstream'],
  ['enabled', 'enabled'],
];
export const proxyModification: Ledgered = {
  intent: async (a, api, ctx) => {
    const p = await readProxy(api, a.proxy_name, ctx.signal);
    if (!p) return null;
    const before: Record<string, unknown> = {};
    for (const [arg, field] of FIELDS) if (a[arg] !== null && a[arg] !== p[field]) before[field] = p[field];
    if (Object.keys(before).length === 0) return null;
    found.set(a, before);
    return revert('restore_proxy', { api_url: api, name: a.proxy_name, fields: before });
  },
  undo: (a) => {
    const before = found.get(a);
    if (!before) return null;
    const args: Args = { proxy_name: a.proxy_name };
    for (const [arg, field] of FIELDS) args[arg] = Object.hasOwn(before, field) ? before[field] : null;
    return call(PROXIES, 'modify_proxy', a, args);
  },
};
