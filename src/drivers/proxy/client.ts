// The turbulence.proxy driver's view of a Toxiproxy-compatible API: which one (an explicit `api_url`, else the run's
// configuration as chaostoxi reads it), and calls that fail the activity with the API's own error text.
import { ActivityFailed } from '../../errors.ts';
import { isPlainObject, pythonStr, pythonTruthy } from '../../python/values.ts';
import { PythonException } from '../../providers/python/exceptions.ts';
import { apiRequest } from './api.ts';

/** `api_url`, else `toxiproxy_url`, else http://<toxiproxy_host>:<toxiproxy_port or 8474>; trailing slashes dropped. */
export function resolveApi(apiUrl: unknown, configuration: Record<string, unknown>): string {
  let url: string;
  if (pythonTruthy(apiUrl)) url = pythonStr(apiUrl);
  else if (pythonTruthy(configuration.toxiproxy_url)) url = pythonStr(configuration.toxiproxy_url);
  else if (pythonTruthy(configuration.toxiproxy_host)) {
    const port = pythonTruthy(configuration.toxiproxy_port) ? configuration.toxiproxy_port : 8474;
    url = `http://${pythonStr(configuration.toxiproxy_host)}:${pythonStr(port)}`;
  } else {
    throw new ActivityFailed('no Toxiproxy API to talk to: pass api_url, set toxiproxy_url in the configuration, or run start_proxy_server first');
  }
  return url.replace(/\/+$/, '');
}

/** One API call: the decoded JSON answer (null for 204), or ActivityFailed naming the API and its error. */
export async function call(api: string, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
  let res;
  try {
    res = await apiRequest(method, `${api}${path}`, body, signal);
  } catch (err) {
    if (err instanceof PythonException) throw new ActivityFailed(`cannot reach the Toxiproxy API at ${api}: ${err.message}`);
    throw err;
  }
  if (!res.ok) {
    let reason = res.text.trim();
    try {
      const parsed = JSON.parse(res.text);
      if (isPlainObject(parsed) && typeof parsed.error === 'string') reason = parsed.error;
    } catch {
      // a body that is not the API's JSON error: its text says it
    }
    throw new ActivityFailed(`${method} ${api}${path} failed with ${res.status}: ${reason || '(no body)'}`);
  }
  if (res.status === 204 || res.text.trim() === '') return null;
  try {
    return JSON.parse(res.text);
  } catch {
    throw new ActivityFailed(`${method} ${api}${path} answered ${res.status} with a body that is not JSON: ${res.text.slice(0, 200)}`);
  }
}

/** A path segment for a proxy or toxic name. */
export const seg = (name: unknown) => encodeURIComponent(pythonStr(name));
