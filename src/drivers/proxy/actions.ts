// Proxy and toxic faults against any Toxiproxy-compatible API. Each action names the call that reverts it, with the
// API's URL resolved at run time so that the undo reaches the same server whatever the configuration says later.
import { ActivityFailed } from '../../errors.ts';
import { type CheckContext, type Node, any, bool, custom, map, num, oneOf, str } from '../../experiment/schema/vocabulary.ts';
import type { JsonPath } from '../../experiment/types.ts';
import type { Json } from '../../experiment/types.ts';
import type { DriverActivity, DriverArgument, UndoCall } from '../define.ts';
import { call, resolveApi, seg } from './client.ts';

export const MODULE = 'turbulence.proxy';

interface Proxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}
interface Toxic {
  name: string;
  type: string;
  stream: string;
  toxicity: number;
  attributes: Record<string, Json>;
}

const apiUrl: DriverArgument = { name: 'api_url', schema: str({ minLength: 1, description: 'the Toxiproxy API base URL' }), default: null };
const name = str({ minLength: 1 });
const address = str({ pattern: '^.*:[0-9]+$', formatMessage: 'expected host:port', description: 'host:port' });

/** A number no greater than `max`. */
export const atMost = (node: Node, max: number) =>
  custom(node, (value: unknown, path: JsonPath, ctx: CheckContext) => {
    if (typeof value === 'number' && value > max) ctx.problems.push({ message: `expected at most ${max}`, path });
  });

const api = (a: Record<string, unknown>, c: Record<string, unknown>) => resolveApi(a.api_url, c);
const undo = (func: string, args: Record<string, unknown>): UndoCall => ({ module: MODULE, func, arguments: args as Record<string, Json> });

/** Sets `enabled`, returning the proxy and whether that changed anything (so the undo reverts only a change). */
async function setEnabled(a: Record<string, unknown>, c: Record<string, unknown>, enabled: boolean, signal?: AbortSignal) {
  const url = api(a, c);
  const before = (await call(url, 'GET', `/proxies/${seg(a.name)}`, undefined, signal)) as Proxy;
  const after = (await call(url, 'POST', `/proxies/${seg(a.name)}`, { enabled }, signal)) as Proxy;
  return { api_url: url, name: after.name, enabled: after.enabled, changed: before.enabled !== enabled };
}

const toggleUndo = (func: string) => (_: Record<string, unknown>, r: unknown) => {
  const { api_url, name: n, changed } = r as { api_url: string; name: string; changed: boolean };
  return changed ? undo(func, { name: n, api_url }) : null;
};

export const actions: DriverActivity[] = [
  {
    name: 'create_proxy',
    kind: 'action',
    doc: 'Create a proxy listening on `listen` (host:port, port 0 for any) in front of `upstream` (host:port). Returns the proxy with its real listen address; undone by deleting it.',
    arguments: [{ name: 'name', schema: name }, { name: 'listen', schema: address }, { name: 'upstream', schema: address }, { name: 'enabled', schema: bool(), default: true }, apiUrl],
    returns: 'mapping',
    run: async (a, ctx) => {
      const url = api(a, ctx.configuration);
      const proxy = (await call(url, 'POST', '/proxies', { name: a.name, listen: a.listen, upstream: a.upstream, enabled: a.enabled }, ctx.signal)) as Proxy;
      return { api_url: url, ...pick(proxy) };
    },
    undo: (_, r) => undo('delete_proxy', { name: (r as Proxy).name, api_url: (r as { api_url: string }).api_url }),
  },
  {
    name: 'delete_proxy',
    kind: 'action',
    doc: 'Delete a proxy (its connections close). Returns its definition; undone by creating it again on the same addresses (without its toxics).',
    arguments: [{ name: 'name', schema: name }, apiUrl],
    returns: 'mapping',
    run: async (a, ctx) => {
      const url = api(a, ctx.configuration);
      const proxy = (await call(url, 'GET', `/proxies/${seg(a.name)}`, undefined, ctx.signal)) as Proxy;
      await call(url, 'DELETE', `/proxies/${seg(a.name)}`, undefined, ctx.signal);
      return { api_url: url, ...pick(proxy) };
    },
    undo: (_, r) => {
      const { api_url, name: n, listen, upstream, enabled } = r as Proxy & { api_url: string };
      return undo('create_proxy', { name: n, listen, upstream, enabled, api_url });
    },
  },
  {
    name: 'disable_proxy',
    kind: 'action',
    doc: 'Disable a proxy: its listener closes and its connections drop, so clients see "connection refused" (the service is down). Undone by enabling it.',
    arguments: [{ name: 'name', schema: name }, apiUrl],
    returns: 'mapping',
    run: (a, ctx) => setEnabled(a, ctx.configuration, false, ctx.signal),
    undo: toggleUndo('enable_proxy'),
  },
  {
    name: 'enable_proxy',
    kind: 'action',
    doc: 'Enable a disabled proxy. Undone by disabling it again (when it was disabled).',
    arguments: [{ name: 'name', schema: name }, apiUrl],
    returns: 'mapping',
    run: (a, ctx) => setEnabled(a, ctx.configuration, true, ctx.signal),
    undo: toggleUndo('disable_proxy'),
  },
  {
    name: 'add_toxic',
    kind: 'action',
    doc:
      'Add a toxic to a proxy: `type` is latency, bandwidth, slow_close, timeout, reset_peer, slicer or limit_data, with its `attributes` ' +
      '(e.g. {"latency": 200, "jitter": 20}); `stream` downstream (server to client) or upstream; `toxicity` the share of connections ' +
      'it affects. Returns the toxic; undone by removing it.',
    arguments: [
      { name: 'proxy', schema: name },
      // any type the server knows: compatible servers may add their own
      { name: 'type', schema: str({ minLength: 1, description: 'a toxic type (latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data)' }) },
      { name: 'attributes', schema: map(any()), default: {} },
      { name: 'stream', schema: oneOf(['downstream', 'upstream']), default: 'downstream' },
      { name: 'toxicity', schema: atMost(num({ minimum: 0, description: 'from 0 to 1' }), 1), default: 1 },
      { name: 'name', schema: name, default: null },
      apiUrl,
    ],
    returns: 'mapping',
    run: async (a, ctx) => {
      const url = api(a, ctx.configuration);
      const body: Record<string, unknown> = { type: a.type, stream: a.stream, toxicity: a.toxicity, attributes: a.attributes };
      if (a.name !== null) body.name = a.name;
      const toxic = (await call(url, 'POST', `/proxies/${seg(a.proxy)}/toxics`, body, ctx.signal)) as Toxic;
      return { api_url: url, proxy: a.proxy, ...toxic };
    },
    undo: (_, r) => {
      const { api_url, proxy, name: n } = r as Toxic & { api_url: string; proxy: string };
      return undo('remove_toxic', { proxy, name: n, api_url });
    },
  },
  {
    name: 'remove_toxic',
    kind: 'action',
    doc: 'Remove a toxic from a proxy. Returns its definition; undone by adding it again.',
    arguments: [{ name: 'proxy', schema: name }, { name: 'name', schema: name }, apiUrl],
    returns: 'mapping',
    run: async (a, ctx) => {
      const url = api(a, ctx.configuration);
      const path = `/proxies/${seg(a.proxy)}/toxics/${seg(a.name)}`;
      const toxic = (await call(url, 'GET', path, undefined, ctx.signal)) as Toxic;
      await call(url, 'DELETE', path, undefined, ctx.signal);
      return { api_url: url, proxy: a.proxy, ...toxic };
    },
    undo: (_, r) => {
      const { api_url, proxy, name: n, type, stream, toxicity, attributes } = r as Toxic & { api_url: string; proxy: string };
      return undo('add_toxic', { proxy, type, attributes, stream, toxicity, name: n, api_url });
    },
  },
];

/** The proxy's own fields, without its toxics. */
function pick(p: Proxy): Proxy {
  if (p === null || typeof p !== 'object') throw new ActivityFailed(`the Toxiproxy API answered ${JSON.stringify(p)} instead of a proxy`);
  return { name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled };
}
