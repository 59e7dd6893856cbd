// chaostoxi/toxiproxyapi.py of chaostoolkit-toxiproxy 0.3.1: the base URL from the configuration and one
// `requests` call per endpoint, with its quirks (a failed call is logged and gives None; delete_proxy never raises
// for the request itself).
import { log } from '../../../log.ts';
import { pythonStr, pythonTruthy, pythonTypeName } from '../../../python/values.ts';
import { PythonException } from '../../../providers/python/exceptions.ts';
import { apiRequest } from '../api.ts';

type Configuration = Record<string, unknown>;

/** build_baseUrl: `toxiproxy_url` as it is, else http://<toxiproxy_host>:<toxiproxy_port or 8474>. */
export function baseUrl(configuration: Configuration): unknown {
  const built = computeBase(configuration);
  log.debug(`Calculated toxiproxy URL is: ${pythonStr(built)}`);
  return built;
}

/** build_baseUrl without its log line (the fault ledger asks too, and must not add to the run's log). */
export function computeBase(configuration: Configuration): unknown {
  const url = configuration.toxiproxy_url ?? null;
  if (pythonTruthy(url)) return url;
  const port = pythonTruthy(configuration.toxiproxy_port) ? configuration.toxiproxy_port : 8474;
  return `http://${pythonStr(configuration.toxiproxy_host ?? null)}:${pythonStr(port)}`;
}

/** build_proxies_baseUrl: `base + "/proxies"`, a TypeError when the configured URL is not a string. */
export function proxiesUrl(configuration: Configuration): string {
  const base = baseUrl(configuration);
  if (typeof base !== 'string') throw new PythonException('TypeError', `unsupported operand type(s) for +: '${pythonTypeName(base)}' and 'str'`);
  return `${base}/proxies`;
}

const at = (configuration: Configuration, ...parts: unknown[]) => [proxiesUrl(configuration), ...parts.map(pythonStr)].join('/');

export async function createProxy(proxy: Record<string, unknown>, configuration: Configuration, signal?: AbortSignal): Promise<unknown> {
  const response = await apiRequest('POST', proxiesUrl(configuration), proxy, signal);
  if (!response.ok) {
    log.debug(`Unable to create proxy, response code ${response.status} with ${response.text}`);
    return null;
  }
  return response.json();
}

export async function modifyProxy(name: unknown, proxy: Record<string, unknown>, configuration: Configuration, signal?: AbortSignal): Promise<unknown> {
  const url = at(configuration, name);
  log.debug(`Toxiproxy server API located at ${url}`);
  const response = await apiRequest('POST', url, proxy, signal);
  if (!response.ok) {
    log.debug(`Unable to modify proxy, response code ${response.status} with ${response.text}`);
    return null;
  }
  return response.json();
}

export async function deleteProxy(name: unknown, configuration: Configuration, signal?: AbortSignal): Promise<null> {
  const url = at(configuration, name);
  try {
    const response = await apiRequest('DELETE', url, undefined, signal);
    if (!response.ok) log.warning(`Unable to remove proxy from chaostoolkit with: ${url} received: ${response.status}`);
  } catch (err) {
    if (signal?.aborted) throw err;
    log.warning(`Unable to remove proxy from chaostoolkit with: ${url}`);
  }
  return null;
}

export async function readProxy(name: unknown, configuration: Configuration, signal?: AbortSignal): Promise<unknown> {
  const response = await apiRequest('GET', at(configuration, name), undefined, signal);
  return response.ok ? response.json() : null;
}

export async function createToxic(proxyName: unknown, toxic: Record<string, unknown>, configuration: Configuration, signal?: AbortSignal): Promise<unknown> {
  const response = await apiRequest('POST', `${at(configuration, proxyName)}/toxics`, toxic, signal);
  if (!response.ok) {
    log.error(`Unable to create toxic for proxy: ${pythonStr(proxyName)}`);
    return null;
  }
  return response.json();
}

export async function deleteToxic(proxyName: unknown, toxicName: unknown, configuration: Configuration, signal?: AbortSignal): Promise<boolean> {
  return (await apiRequest('DELETE', `${at(configuration, proxyName)}/toxics/${pythonStr(toxicName)}`, undefined, signal)).ok;
}

export async function reset(configuration: Configuration, signal?: AbortSignal): Promise<boolean> {
  return (await apiRequest('POST', `${pythonStr(baseUrl(configuration))}/reset`, undefined, signal)).ok;
}
