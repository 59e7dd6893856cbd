// Fetching an experiment over http(s) with node:http/node:https, following what the reference's `requests.get`
// does: redirects (Authorization dropped when the host changes), URL credentials as basic auth, REQUESTS_CA_BUNDLE,
// gzip/deflate bodies and the response charset. A timeout guards connecting and each wait for data.
import type { IncomingHttpHeaders } from 'node:http';
import { readFile } from 'node:fs/promises';
import { InvalidSource } from '../errors.ts';
import { log } from '../log.ts';
import { VERSION } from '../version.ts';

export interface FetchOptions {
  headers: Record<string, string>;
  verifyTls: boolean;
  env: NodeJS.ProcessEnv;
  /** connect and idle timeout in milliseconds */
  timeoutMs?: number;
}

export interface Fetched {
  status: number;
  contentType: string | undefined;
  text: string;
}

const MAX_REDIRECTS = 30;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export async function fetchSource(source: string, opts: FetchOptions): Promise<Fetched> {
  const shown = redactUrl(source);
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new InvalidSource(`Failed to fetch the experiment: "${shown}" is not a valid URL.`);
  }
  const headers: Record<string, string> = { 'User-Agent': `turbulence/${VERSION}`, ...opts.headers };
  // credentials in the URL become basic auth, and win over any other Authorization (as in requests)
  if (url.username || url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const ca = opts.verifyTls ? await caBundle(opts.env) : undefined;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  for (let hops = 0; ; hops++) {
    let res: Raw;
    try {
      res = await get(url, headers, opts.verifyTls, ca, timeoutMs);
    } catch (err) {
      throw new InvalidSource(`Failed to fetch the experiment from ${redactUrl(url.href)}: ${describe(err)}`);
    }
    const location = res.headers.location;
    if (REDIRECTS.has(res.status) && location) {
      if (hops >= MAX_REDIRECTS) throw new InvalidSource(`Failed to fetch the experiment from ${shown}: exceeded ${MAX_REDIRECTS} redirects.`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new InvalidSource(`Failed to fetch the experiment from ${shown}: bad redirect location "${location}".`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new InvalidSource(`Failed to fetch the experiment from ${shown}: redirected to an unsupported scheme (${next.protocol}).`);
      }
      if (dropsAuthorization(url, next)) delete headers.Authorization;
      url = next;
      continue;
    }
    const contentType = res.headers['content-type'];
    log.debug(`Fetched experiment from ${redactUrl(url.href)}: HTTP ${res.status}, ${contentType ?? 'no Content-Type'}, ${res.body.length} bytes`);
    return { status: res.status, contentType, text: await decode(res, contentType) };
  }
}

/** The URL with any password replaced, for messages and locations. */
export function redactUrl(url: string): string {
  // the userinfo runs to the last '@' of the authority, so a password may itself hold '@' or ':'
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@/, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon < 0 ? userinfo : `${userinfo.slice(0, colon)}:***`}@`;
  });
}

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function get(url: URL, headers: Record<string, string>, verifyTls: boolean, ca: string | undefined, timeoutMs: number): Promise<Raw> {
  const https = url.protocol === 'https:';
  const mod = https ? await import('node:https') : await import('node:http');
  return new Promise<Raw>((resolve, reject) => {
    const req = mod.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        // a one-off connection: TLS settings apply to this request only, and no idle socket keeps the process up
        agent: false,
        timeout: timeoutMs,
        ...(https ? { rejectUnauthorized: verifyTls, ...(ca ? { ca } : {}) } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code && CERTIFICATE_ERRORS.has(e.code)) return `${e.message} (use --no-verify-tls to skip certificate verification)`;
  return e.message || String(err);
}

/** requests' rule: keep Authorization on the same host and port, or on an http → https upgrade with default ports. */
function dropsAuthorization(from: URL, to: URL): boolean {
  if (from.hostname !== to.hostname) return true;
  if (from.protocol === 'http:' && to.protocol === 'https:' && !from.port && !to.port) return false;
  return from.protocol !== to.protocol || from.port !== to.port;
}

/** requests verifies against REQUESTS_CA_BUNDLE (or CURL_CA_BUNDLE) instead of the default authorities when set. */
async function caBundle(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const name = env.REQUESTS_CA_BUNDLE ? 'REQUESTS_CA_BUNDLE' : env.CURL_CA_BUNDLE ? 'CURL_CA_BUNDLE' : undefined;
  if (!name) return undefined;
  try {
    return await readFile(env[name]!, 'utf8');
  } catch (err) {
    throw new InvalidSource(`Cannot read the CA bundle named by ${name} ("${env[name]}"): ${(err as Error).message}`);
  }
}

async function decode(res: Raw, contentType: string | undefined): Promise<string> {
  let body = res.body;
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'deflate') {
    const zlib = await import('node:zlib');
    try {
      body = encoding === 'gzip' ? zlib.gunzipSync(body) : zlib.inflateSync(body);
    } catch (err) {
      throw new InvalidSource(`Failed to fetch the experiment: cannot decode the ${encoding} body: ${(err as Error).message}`);
    }
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
