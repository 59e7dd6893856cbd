// One request of an http probe, sent by the http provider's client (keep-alive pool, redirects followed, verify_tls),
// under a total deadline: `timeout` bounds connecting, sending and reading the whole body together.
import { ActivityFailed, ChaosError } from '../../errors.ts';
import { any, bool, map, num, oneOf, str } from '../../experiment/schema/vocabulary.ts';
import type { HttpProvider } from '../../experiment/types.ts';
import { decodeText, encodingFromContentType } from '../../providers/charset.ts';
import type { ExchangeResponse } from '../../providers/http-exchange.ts';
import { sendHttp } from '../../providers/http.ts';
import type { NativeContext } from '../../providers/python/native.ts';
import { abortReason } from '../../providers/abort.ts';
import type { DriverArgument } from '../define.ts';

export const MODULE = 'turbulence.http';

/** The request arguments every http probe takes, in this order after `url`. */
export const requestArguments: DriverArgument[] = [
  { name: 'url', schema: str({ pattern: '^\\s*[hH][tT][tT][pP][sS]?://', formatMessage: 'expected an http:// or https:// URL' }) },
  { name: 'method', schema: oneOf(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), default: 'GET' },
  { name: 'headers', schema: map(str()), default: {} },
  { name: 'body', schema: any({ description: 'a string sent as is, or a mapping or list sent as JSON; not with GET' }), default: null },
  { name: 'timeout', schema: num({ minimum: 0.001, description: 'seconds for the whole exchange' }), default: 5 },
  { name: 'verify_tls', schema: bool(), default: true },
];

/** No response came: the connection failed or the deadline passed (`responds` answers false to these only). */
export class NoResponse extends ActivityFailed {}

export interface Response {
  status: number;
  /** seconds from sending to the last byte of the body */
  elapsed: number;
  raw: ExchangeResponse;
}

/** Sends the request; a connection failure, a timeout or a malformed exchange fails the probe with one line. */
export async function request(a: Record<string, unknown>, ctx: NativeContext): Promise<Response> {
  const method = a.method as string;
  const url = a.url as string;
  const body = a.body;
  if (body !== null && method === 'GET') throw new ActivityFailed('a GET request takes no body: choose another method');
  const headers: Record<string, unknown> = { ...(a.headers as Record<string, string>) };
  const json = body !== null && typeof body === 'object';
  if (json && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  const provider: HttpProvider = { type: 'http', url, method, headers, verify_tls: a.verify_tls as boolean };
  if (body !== null) provider.arguments = body;

  const timeout = a.timeout as number;
  const deadline = new AbortController();
  const late = new NoResponse(`${method} ${url}: no complete response within ${timeout} s`);
  const timer = setTimeout(() => deadline.abort(late), timeout * 1000);
  const onAbort = () => deadline.abort(abortReason(ctx.signal!));
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const start = process.hrtime.bigint();
  try {
    // the arguments are substituted already: none of the run's configuration applies twice
    const raw = await sendHttp(provider, { configuration: {}, secrets: {}, signal: deadline.signal });
    return { status: raw.status, elapsed: Number(process.hrtime.bigint() - start) / 1e9, raw };
  } catch (err) {
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
    if (err instanceof NoResponse) throw err;
    if (err instanceof ActivityFailed) throw new NoResponse(err.message);
    // an invalid URL or header is the probe's failure here, not the run's
    if (err instanceof ChaosError) throw new ActivityFailed(`${method} ${url}: ${err.message}`);
    throw err;
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}

/** The body as text: the charset the Content-Type names, else UTF-8 when valid, else ISO-8859-1. */
export function text(res: ExchangeResponse): string {
  let contentType: string | undefined;
  for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === 'content-type') contentType = res.rawHeaders[i + 1];
  return decodeText(res.body, contentType && /charset=/i.test(contentType) ? encodingFromContentType(contentType) : null);
}
