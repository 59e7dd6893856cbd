// The `http` provider: one request (redirects followed) and its {status, headers, body}. 4xx/5xx are outputs, not
// failures; connection errors and timeouts fail the activity. Mirrors chaoslib/provider/http.py on requests.
import { ActivityFailed, ChaosError } from '../errors.ts';
import { isPlainObject, pythonRepr, pythonStr, pythonTruthy, pythonTypeName } from '../python/values.ts';
import { substitute } from '../experiment/substitute.ts';
import type { Activity, Configuration, HttpProvider, Secrets } from '../experiment/types.ts';
import { log } from '../log.ts';
import { VERSION } from '../version.ts';
import { decodeText, encodingFromContentType } from './charset.ts';
import type { ExchangeResponse, HttpTarget } from './http-exchange.ts';
import { encodeParams, pyJsonDumps, requoteUri } from './http-encoding.ts';
import { registerProvider, type ProviderContext, type ProviderType } from './registry.ts';

export interface HttpOutput {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

// requests' default headers (our own User-Agent); activity headers override them by case-insensitive name.
const DEFAULT_HEADERS: [string, string][] = [
  ['User-Agent', `turbulence/${VERSION}`],
  ['Accept-Encoding', 'gzip, deflate'],
  ['Accept', '*/*'],
  ['Connection', 'keep-alive'],
];
const DEFAULTS = new Map(DEFAULT_HEADERS.map(([k, v]): [string, [string, string]] => [k.toLowerCase(), [k, v]]));
const MAX_REDIRECTS = 30;

type Exchange = typeof import('./http-exchange.ts');
let loaded: Exchange | undefined;

async function runHttp(activity: Activity, ctx: ProviderContext): Promise<HttpOutput> {
  return output(activity, await sendHttp(activity.provider as HttpProvider, ctx));
}

/** The provider's request (substituted, redirects followed), with its raw response: native drivers read it their way. */
export async function sendHttp(provider: HttpProvider, ctx: ProviderContext): Promise<ExchangeResponse> {
  const request = prepare(provider, ctx.configuration, ctx.secrets);
  loaded ??= await import('./http-exchange.ts');
  const { ConnectionFailed, TimedOut } = loaded;
  try {
    return await send(request, loaded, ctx.signal);
  } catch (e) {
    if (e instanceof ConnectionFailed) throw new ActivityFailed(`failed to connect to ${request.url}: ${e.message}`);
    if (e instanceof TimedOut) throw new ActivityFailed('activity took too long to complete');
    throw e;
  }
}

interface Prepared {
  /** the substituted URL, as the failure messages quote it */
  url: string;
  method: string;
  location: Location;
  /** lower-case name → [name as written, value] */
  headers: Map<string, [string, string]>;
  body: Buffer | null;
  timeouts: { connect: number | null; read: number | null };
  /** verify_tls as given, read for https hops only */
  verify: unknown;
  maxRetries: number;
}

/** What requests would send: substituted fields, the URL with its query, merged headers and the body. */
function prepare(provider: HttpProvider, configuration: Configuration, secrets: Secrets): Prepared {
  const url = pythonStr(substitute(provider.url, configuration, secrets));
  const method = String(provider.method ?? 'GET').toUpperCase();
  // only strings, lists and mappings hold placeholders (the usual numeric timeout and absent headers skip the walk)
  const sub = (v: unknown) => (typeof v === 'string' || (typeof v === 'object' && v !== null) ? substitute(v, configuration, secrets) : v);
  const userHeaders = sub(provider.headers ?? null);
  const timeouts = parseTimeout(sub(provider.timeout ?? null));
  let args: unknown = provider.arguments ?? null;
  if (pythonTruthy(args) && (pythonTruthy(configuration) || pythonTruthy(secrets))) {
    args = substitute(args, configuration, secrets);
  }
  // HTTPAdapter(max_retries=None) means urllib3's default Retry(3).
  const maxRetries = 'max_retries' in provider ? (provider.max_retries === null ? 3 : Number(provider.max_retries) || 0) : 0;

  const location = prepareUrl(url, method === 'GET' ? args : null);
  const headers = requestHeaders(userHeaders);
  if (location.authorization) headers.set('authorization', ['Authorization', location.authorization]);
  let body: Buffer | null = null;
  if (method !== 'GET') {
    let contentType: string | null = null;
    if (isPlainObject(userHeaders) && userHeaders['Content-Type'] === 'application/json') {
      if (args !== null) [body, contentType] = [Buffer.from(pyJsonDumps(args)), 'application/json'];
    } else if (pythonTruthy(args)) {
      body = Buffer.from(encodeParams(args));
      if (typeof args !== 'string') contentType = 'application/x-www-form-urlencoded';
    }
    if (body) headers.set('content-length', ['Content-Length', String(body.length)]);
    else if (method !== 'HEAD' && !headers.has('content-length')) headers.set('content-length', ['Content-Length', '0']);
    if (contentType && !headers.has('content-type')) headers.set('content-type', ['Content-Type', contentType]);
  }
  const verify = 'verify_tls' in provider ? provider.verify_tls : true;
  return { url, method, location, headers, body, timeouts, verify, maxRetries };
}

/** Sends the request and follows redirects as requests' resolve_redirects does. */
async function send(req: Prepared, { exchange }: Exchange, signal: AbortSignal | undefined): Promise<ExchangeResponse> {
  let { location, method, body } = req;
  const headers = new Map(req.headers);
  for (let redirects = 0; ; redirects++) {
    const res = await exchange({
      target: location.target,
      method,
      headers: Object.fromEntries(headers.values()),
      body,
      connectTimeout: req.timeouts.connect,
      readTimeout: req.timeouts.read,
      ...(location.target.https ? tlsOptions(req.verify) : { rejectUnauthorized: true }),
      maxRetries: req.maxRetries,
      signal,
    });
    const next = redirectTarget(res);
    if (next === null) return res;
    if (redirects >= MAX_REDIRECTS) throw new ChaosError(`Exceeded ${MAX_REDIRECTS} redirects.`);
    const previous = location;
    location = prepareRedirect(next, previous.url);
    method = redirectMethod(res.status, method);
    if (res.status !== 307 && res.status !== 308) {
      for (const h of ['content-length', 'content-type', 'transfer-encoding']) headers.delete(h);
      body = null;
    }
    headers.delete('cookie');
    if (shouldStripAuth(previous.url, location.url)) headers.delete('authorization');
  }
}

interface Location {
  url: URL;
  target: HttpTarget;
  authorization?: string;
}

// Parsing and re-quoting a URL costs more than a request on a kept-alive connection; probes repeat the same few.
const preparedUrls = new Map<string, Location>();
const MAX_PREPARED_URLS = 64;

/** requests' prepare_url: http(s) only, params appended to the query, the result re-quoted. */
function prepareUrl(raw: string, params: unknown): Location {
  let extra: string;
  try {
    extra = params === null ? '' : encodeParams(params);
  } catch (e) {
    parseUrl(raw, ''); // an invalid URL is reported first, as in requests
    throw e;
  }
  const key = `${raw.length}:${raw}${extra}`;
  let location = preparedUrls.get(key);
  if (!location) {
    location = parseUrl(raw, extra);
    if (preparedUrls.size >= MAX_PREPARED_URLS) preparedUrls.clear();
    preparedUrls.set(key, location);
  }
  return location;
}

function parseUrl(raw: string, extra: string): Location {
  const text = raw.trimStart();
  if (text.includes(':') && !text.toLowerCase().startsWith('http')) {
    throw new ChaosError(`No connection adapters were found for ${pythonRepr(text)}`);
  }
  let url: URL;
  try {
    // WHATWG would read "http:///x" as host "x"
    if (/^https?:\/\/(?:[/?#]|$)/i.test(text)) throw new Error('no host');
    url = new URL(text);
  } catch {
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) {
      throw new ChaosError(`Invalid URL ${pythonRepr(text)}: No scheme supplied. Perhaps you meant https://${text}?`);
    }
    throw new ChaosError(`Invalid URL ${pythonRepr(text)}: No host supplied`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChaosError(`No connection adapters were found for ${pythonRepr(text)}`);
  }
  // The query as written: WHATWG parsing would escape characters (such as ') that requests leaves alone.
  const beforeFragment = text.split('#')[0];
  let query = beforeFragment.includes('?') ? beforeFragment.slice(beforeFragment.indexOf('?') + 1) : '';
  if (extra) query = query ? `${query}&${extra}` : extra;
  url.search = '';
  url.hash = '';
  const path = requoteUri(url.pathname + (query ? `?${query}` : ''));
  const prepared = new URL(path, url);
  const location: Location = { url: prepared, target: target(prepared, path) };
  // Credentials in the URL become basic auth (requests' get_auth_from_url), latin-1 encoded.
  if (url.password) {
    const pair = `${unquote(url.username)}:${unquote(url.password)}`;
    location.authorization = `Basic ${Buffer.from(pair, 'latin1').toString('base64')}`;
  }
  return location;
}

/** urllib's unquote, which leaves a malformed escape as it is. */
function unquote(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function target(url: URL, path: string): HttpTarget {
  const https = url.protocol === 'https:';
  return {
    https,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : https ? 443 : 80,
    path,
  };
}

function prepareRedirect(next: string, base: URL): Location {
  let url: URL;
  try {
    url = new URL(requoteUri(next), base);
  } catch {
    throw new ChaosError(`Invalid URL ${pythonRepr(next)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChaosError(`No connection adapters were found for ${pythonRepr(url.href)}`);
  }
  url.hash = '';
  const path = url.pathname + url.search;
  return { url, target: target(url, path) };
}

/** The Location of a 301/302/303/307/308, decoded as requests does (latin-1 bytes read as UTF-8). */
function redirectTarget(res: ExchangeResponse): string | null {
  if (![301, 302, 303, 307, 308].includes(res.status)) return null;
  const location = header(res.rawHeaders, 'location');
  return location === undefined ? null : Buffer.from(location, 'latin1').toString('utf8');
}

/** requests' rebuild_method: 303 and 302 turn into GET (HEAD stays), 301 turns POST into GET. */
function redirectMethod(status: number, method: string): string {
  if ((status === 303 || status === 302) && method !== 'HEAD') return 'GET';
  if (status === 301 && method === 'POST') return 'GET';
  return method;
}

/** requests' should_strip_auth: another host, or another port or scheme (except http→https on default ports). */
function shouldStripAuth(from: URL, to: URL): boolean {
  if (from.hostname !== to.hostname) return true;
  if (from.protocol === 'http:' && to.protocol === 'https:' && from.port === '' && to.port === '') return false;
  return from.port !== to.port || from.protocol !== to.protocol;
}

/** Defaults, then the activity headers (a None value removes the header); values must be strings as in requests. */
function requestHeaders(headers: unknown): Map<string, [string, string]> {
  // most activities set none: the defaults need no checking
  if (!isPlainObject(headers) || Object.keys(headers).length === 0) return new Map(DEFAULTS);
  const merged = new Map<string, [string, unknown]>();
  for (const [k, v] of DEFAULT_HEADERS) merged.set(k.toLowerCase(), [k, v]);
  if (isPlainObject(headers)) for (const [k, v] of Object.entries(headers)) merged.set(k.toLowerCase(), [k, v]);
  const out = new Map<string, [string, string]>();
  for (const [lower, [name, value]] of merged) {
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') {
      throw new ChaosError(
        `Header part (${pythonRepr(value)}) from (${pythonRepr(name)}, ${pythonRepr(value)}) must be of type str or bytes, ` +
          `not <class '${pythonTypeName(value)}'>`,
      );
    }
    if (!/^[^:\s][^:\r\n]*$/.test(name)) {
      throw new ChaosError(`Invalid leading whitespace, reserved character(s), or return character(s) in header name: ${pythonRepr(name)}`);
    }
    if (!/^(?:\S[^\r\n]*)?$/.test(value)) {
      throw new ChaosError(`Invalid leading whitespace, reserved character(s), or return character(s) in header value: ${pythonRepr(value)}`);
    }
    out.set(lower, [name, value]);
  }
  return out;
}

/** A timeout number or [connect, read], validated as urllib3 does; seconds, null for none. */
function parseTimeout(t: unknown): { connect: number | null; read: number | null } {
  if (Array.isArray(t)) {
    const invalid = () => {
      const tuple = t.length === 1 ? `(${pythonRepr(t[0])},)` : `(${t.map(pythonRepr).join(', ')})`;
      return new ChaosError(`Invalid timeout ${tuple}. Pass a (connect, read) timeout tuple, or a single float to set both timeouts to the same value.`);
    };
    if (t.length !== 2) throw invalid();
    try {
      return { connect: checkTimeout(t[0], 'connect'), read: checkTimeout(t[1], 'read') };
    } catch {
      throw invalid();
    }
  }
  const both = checkTimeout(t, 'connect');
  return { connect: both, read: both };
}

function checkTimeout(v: unknown, name: string): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') throw new ChaosError('Timeout cannot be a boolean value. It must be an int, float or None.');
  if (typeof v !== 'number') throw new ChaosError(`Timeout value ${name} was ${pythonStr(v)}, but it must be an int, float or None.`);
  if (v <= 0) {
    throw new ChaosError(`Attempted to set ${name} timeout to ${pythonStr(v)}, but the timeout cannot be set to a value less than or equal to 0.`);
  }
  // Beyond the range of node's timers (24.8 days) is as good as no timeout.
  return v * 1000 > 0x7fffffff ? null : v;
}

/** verify_tls: false-like skips verification, a string is a CA bundle; REQUESTS_CA_BUNDLE applies as in requests. */
function tlsOptions(verify: unknown): { rejectUnauthorized: boolean; caFile?: string } {
  if (verify === true || verify === null || verify === undefined) {
    const bundle = process.env.REQUESTS_CA_BUNDLE || process.env.CURL_CA_BUNDLE;
    return bundle ? { rejectUnauthorized: true, caFile: bundle } : { rejectUnauthorized: true };
  }
  if (typeof verify === 'string' && verify) return { rejectUnauthorized: true, caFile: verify };
  return { rejectUnauthorized: pythonTruthy(verify) };
}

function header(rawHeaders: string[], lowerName: string): string | undefined {
  return responseHeaders(rawHeaders).get(lowerName)?.[1];
}

/** By lower-case name: the name as first received, repeated headers joined with ", " (urllib3's HTTPHeaderDict). */
function responseHeaders(raw: string[]): Map<string, [string, string]> {
  const byName = new Map<string, [string, string]>();
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    const seen = byName.get(lower);
    if (seen) seen[1] += `, ${raw[i + 1]}`;
    else byName.set(lower, [raw[i], raw[i + 1]]);
  }
  return byName;
}

function output(activity: Activity, res: ExchangeResponse): HttpOutput {
  const byName = responseHeaders(res.rawHeaders);
  const headers = Object.fromEntries(byName.values());
  const contentType = byName.get('content-type')?.[1];
  let body: unknown;
  if (contentType === 'application/json') {
    // requests decodes JSON as UTF-8 (bad bytes replaced); a body that is not JSON aborts the run, as in requests.
    const text = decodeText(res.body, 'utf-8');
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new ChaosError(`the response is not valid JSON: ${text ? (e as Error).message : 'Expecting value: line 1 column 1 (char 0)'}`);
    }
  } else {
    body = decodeText(res.body, encodingFromContentType(contentType));
  }
  if (!('tolerance' in activity) && res.status > 399) {
    log.warning(
      'This HTTP call returned a response with a HTTP status code above 400. This may indicate some error and not ' +
        'what you expected. Please have a look at the logs.',
    );
  }
  return { status: res.status, headers, body };
}

export const httpProvider: ProviderType = { type: 'http', run: runHttp };

registerProvider(httpProvider);
