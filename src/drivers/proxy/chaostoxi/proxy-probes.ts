// chaostoxi.proxy.probes (chaostoolkit-toxiproxy 0.3.1), natively.
import { log } from '../../../log.ts';
import { pyEquals } from '../../../python/compare.ts';
import { isPlainObject, pythonRepr, pythonStr, pythonTruthy, pythonTypeName } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import { registerNative } from '../../../providers/python/native.ts';
import { configOf, configuration, param } from './signature.ts';
import { readProxy } from './toxiproxyapi.ts';

const MODULE = 'chaostoxi.proxy.probes';

/** proxy[key] on the decoded JSON object: KeyError when absent, TypeError for a key Python cannot hash. */
function item(proxy: Record<string, unknown>, key: unknown): unknown {
  if (Array.isArray(key) || isPlainObject(key)) throw new PythonException('TypeError', `unhashable type: '${pythonTypeName(key)}'`);
  // JSON object keys are strings: no other key matches
  if (typeof key !== 'string' || !Object.hasOwn(proxy, key)) throw new PythonException('KeyError', pythonRepr(key));
  return proxy[key];
}

registerNative({
  module: MODULE,
  func: 'proxy_exist',
  doc: 'Returns True of False if a given proxy exists.',
  parameters: [param('proxy_name', 'string'), configuration],
  run: async (a, ctx) => {
    const proxy = await readProxy(a.proxy_name, configOf(a), ctx.signal);
    if (pythonTruthy(proxy)) {
      const name = item(proxy as Record<string, unknown>, 'name');
      log.debug(`Received a proxy with name: ${pythonStr(name)} and expecting ${pythonStr(a.proxy_name)}`);
      return pyEquals(name, a.proxy_name);
    }
    log.debug(`Proxy with name ${pythonStr(a.proxy_name)} does not seem to exist`);
    return false;
  },
});

registerNative({
  module: MODULE,
  func: 'get_proxy_attribute',
  doc: 'Returns an attribute of a specified proxy.',
  parameters: [param('proxy_name', 'string'), param('attribute', 'string'), configuration],
  run: async (a, ctx) => {
    const proxy = await readProxy(a.proxy_name, configOf(a), ctx.signal);
    if (!pythonTruthy(proxy)) return null;
    const value = item(proxy as Record<string, unknown>, a.attribute);
    log.debug(`Found proxy object for ${pythonStr(a.proxy_name)} and attribute resolved to ${pythonStr(value)}`);
    return value;
  },
});
