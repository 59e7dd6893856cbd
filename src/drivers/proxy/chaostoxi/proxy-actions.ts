// chaostoxi.proxy.actions (chaostoolkit-toxiproxy 0.3.1), natively: same names, arguments, defaults, results and
// failures (a bare AssertionError when the API refuses, KeyError for a missing `env:` variable).
import { log } from '../../../log.ts';
import { pythonRepr, pythonStr, pythonTruthy } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import { registerNative } from '../../../providers/python/native.ts';
import { configOf, configuration, opt, param } from './signature.ts';
import * as api from './toxiproxyapi.ts';
import { ledgered, proxyCreation, proxyDeletion, proxyModification, toggle } from './ledger.ts';

const MODULE = 'chaostoxi.proxy.actions';

/** value_from_environment_if_exists: a string "env:NAME" is the variable's value (KeyError when unset). */
function fromEnvironment(key: unknown): unknown {
  if (typeof key === 'string' && key.startsWith('env:')) {
    const name = key.slice(4);
    log.debug(`Resolving from environment variable: ${name}`);
    const value = process.env[name];
    if (value === undefined) throw new PythonException('KeyError', pythonRepr(name));
    return value;
  }
  return key;
}

/** proxy["listen"].split(":")[-1] */
function listenPort(proxy: unknown): string {
  if (proxy === null || typeof proxy !== 'object' || Array.isArray(proxy) || !Object.hasOwn(proxy, 'listen')) {
    throw new PythonException('KeyError', "'listen'");
  }
  return pythonStr((proxy as Record<string, unknown>).listen).split(':').at(-1)!;
}

/** `<proxy_name>_PORT` into the configuration chaoslib passed (a copy: later activities do not see it) and os.environ. */
function recordPort(name: unknown, port: string, config: Record<string, unknown>): void {
  const key = `${pythonStr(name)}_PORT`;
  config[key] = port;
  process.env[key] = port;
}

async function modify(name: unknown, body: Record<string, unknown>, config: Record<string, unknown>, signal?: AbortSignal): Promise<boolean> {
  log.debug(`Modifying proxy with the following data: ${pythonStr(body)}`);
  const proxy = await api.modifyProxy(name, body, config, signal);
  if (!pythonTruthy(proxy)) {
    log.error(`Unable to modify proxy ${pythonStr(name)}`);
    throw new PythonException('AssertionError', '');
  }
  recordPort(name, listenPort(proxy), config);
  return true;
}

registerNative(
  ledgered({
    module: MODULE,
    func: 'create_proxy',
    doc: 'Creates a proxy to which toxics can be added.',
    parameters: [
      param('proxy_name', 'string'),
      param('upstream_host', 'string'),
      param('upstream_port', 'integer'),
      opt('listen_host', '0.0.0.0', 'string'),
      opt('listen_port', 0, 'integer'),
      opt('enabled', true, 'boolean'),
      configuration,
    ],
    run: async (a, ctx) => {
      const config = configOf(a);
      const listen = `${pythonStr(a.listen_host)}:${pythonStr(a.listen_port)}`;
      const upstreamHost = fromEnvironment(a.upstream_host);
      const upstreamPort = fromEnvironment(a.upstream_port);
      const body = { name: a.proxy_name, listen, upstream: `${pythonStr(upstreamHost)}:${pythonStr(upstreamPort)}`, enabled: a.enabled };
      log.debug(`Creating proxy with the following configuration: ${pythonStr(body)}`);
      const proxy = await api.createProxy(body, config, ctx.signal);
      if (!pythonTruthy(proxy)) throw new PythonException('AssertionError', '');
      const port = listenPort(proxy);
      // str.isdigit()
      if (!/^\p{Nd}+$/u.test(port)) {
        log.error(`Unable to parse port from proxy reponse ${pythonStr(proxy)}`);
        throw new PythonException('AssertionError', '');
      }
      log.debug(`toxyproxy ready listening on port: ${port}`);
      recordPort(a.proxy_name, port, config);
      return true;
    },
  }, proxyCreation),
);

registerNative(
  ledgered({
    module: MODULE,
    func: 'modify_proxy',
    doc: 'Modify the configuration of a given proxy.\nUseful to change the upstream configiuration.\nOnly arguments supplied result in modification of the proxy.',
    parameters: [param('proxy_name', 'string'), opt('listen_address', null, 'string'), opt('upstream_address', null, 'string'), opt('enabled', null, 'boolean'), configuration],
    run: (a, ctx) => {
      const body: Record<string, unknown> = {};
      if (a.listen_address !== null) body.listen = a.listen_address;
      if (a.upstream_address !== null) body.upstream = a.upstream_address;
      if (a.enabled !== null) body.enabled = a.enabled;
      return modify(a.proxy_name, body, configOf(a), ctx.signal);
    },
  }, proxyModification),
);

registerNative(
  ledgered({
    module: MODULE,
    func: 'disable_proxy',
    doc: 'Disables the proxy, this is useful to simulate a proxied service being down.',
    parameters: [param('proxy_name', 'string'), configuration],
    run: (a, ctx) => modify(a.proxy_name, { enabled: false }, configOf(a), ctx.signal),
  }, toggle(false)),
);

registerNative(
  ledgered({
    module: MODULE,
    func: 'enable_proxy',
    doc: 'Enables a disabled proxy.',
    parameters: [param('proxy_name', 'string'), configuration],
    run: (a, ctx) => modify(a.proxy_name, { enabled: true }, configOf(a), ctx.signal),
  }, toggle(true)),
);

registerNative(
  ledgered({
    module: MODULE,
    func: 'delete_proxy',
    doc: 'Removes the proxy from the system.',
    parameters: [param('proxy_name', 'string'), configuration],
    run: (a, ctx) => api.deleteProxy(a.proxy_name, configOf(a), ctx.signal),
  }, proxyDeletion),
);

registerNative(
  ledgered({
    module: MODULE,
    func: 'reset',
    doc: 'Enable all proxies and remove all active toxics',
    parameters: [configuration],
    run: (a, ctx) => api.reset(configOf(a), ctx.signal),
  }),
);
