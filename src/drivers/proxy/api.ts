// A Toxiproxy API call as chaostoolkit-toxiproxy makes it with `requests` (no timeout, no retry, JSON bodies): the
// failures are requests' exceptions with their words, so the chaostoxi functions fail as the reference's do, and
// the turbulence.proxy driver reuses the same client.
import { pythonRepr } from '../../python/values.ts';
import { PythonException } from '../../providers/python/exceptions.ts';
import { ConnectionFailed, TimedOut, exchange, type HttpTarget } from '../../providers/http-exchange.ts';
import { pyJsonDumps } from '../../providers/http-encoding.ts';
import { VERSION } from '../../version.ts';

export interface ApiResponse {
  status: number;
  /** requests' Response.ok: any status below 400 */
  ok: boolean;
  text: string;
  /** Response.json(): raises requests' JSONDecodeError on a body that is not JSON */
  json(): unknown;
}

const requestsError = (cls: string, message: string) => new PythonException(`requests.exceptions.${cls}`, message);

/** requests' prepare_url checks, in its order, for the URLs a base URL + API path can give. */
function target(url: string): HttpTarget {
  if (url.includes(':') && !url.toLowerCase().startsWith('http')) throw requestsError('InvalidSchema', `No connection adapters were found for ${pythonRepr(url)}`);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) {
    throw requestsError('MissingSchema', `Invalid URL ${pythonRepr(url)}: No scheme supplied. Perhaps you meant https://${url}?`);
  }
  if (/^https?:\/\/(?:[/?#]|$)/i.test(url)) throw requestsError('InvalidURL', `Invalid URL ${pythonRepr(url)}: No host supplied`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw requestsError('InvalidURL', `Failed to parse: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw requestsError('InvalidSchema', `No connection adapters were found for ${pythonRepr(url)}`);
  const https = parsed.protocol === 'https:';
  return {
    https,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : https ? 443 : 80,
    path: parsed.pathname + parsed.search,
  };
}

/** `requests.<method>(url, json=body)`: the response, whatever its status; connection failures raise. */
export async function apiRequest(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<ApiResponse> {
  const t = target(url);
  const payload = body === undefined ? null : Buffer.from(pyJsonDumps(body));
  const headers: Record<string, string> = { 'User-Agent': `turbulence/${VERSION}`, 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive' };
  if (payload) Object.assign(headers, { 'Content-Length': String(payload.length), 'Content-Type': 'application/json' });
  else if (method !== 'GET') headers['Content-Length'] = '0';
  let res;
  try {
    res = await exchange({ target: t, method, headers, body: payload, connectTimeout: null, readTimeout: null, rejectUnauthorized: true, maxRetries: 0, signal });
  } catch (e) {
    if (e instanceof ConnectionFailed) throw requestsError('ConnectionError', e.message);
    if (e instanceof TimedOut) throw requestsError('ReadTimeout', e.message);
    throw e;
  }
  const text = res.body.toString('utf8');
  return {
    status: res.status,
    ok: res.status < 400,
    text,
    json: () => {
      try {
        return JSON.parse(text);
      } catch {
        throw requestsError('JSONDecodeError', jsonDecodeMessage(text));
      }
    },
  };
}

/** json's "Expecting value: line 1 column 1 (char 0)", for the common case of a body that does not start as JSON. */
function jsonDecodeMessage(text: string): string {
  const at = text.length - text.trimStart().length;
  return `Expecting value: line 1 column ${at + 1} (char ${at})`;
}
