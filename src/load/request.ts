// The request, serialized once: every send writes the same bytes (no per-request formatting on the hot path).
import type { Target } from './target.ts';

export function serializeRequest(target: Target, method: string, headers: Record<string, string>, body: Buffer | null): Buffer {
  const given = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const { url } = target;
  const defaultPort = target.tls ? '443' : '80';
  const host = url.port && url.port !== defaultPort ? `${url.hostname}:${url.port}` : url.hostname;
  let head = `${method.toUpperCase()} ${url.pathname}${url.search} HTTP/1.1\r\n`;
  if (!given.has('host')) head += `Host: ${host}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (!given.has('user-agent')) head += 'User-Agent: turbulence-load\r\n';
  if (!given.has('accept')) head += 'Accept: */*\r\n';
  if (body !== null && !given.has('content-length') && !given.has('transfer-encoding')) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  const bytes = Buffer.from(head, 'utf8');
  return body === null ? bytes : Buffer.concat([bytes, body]);
}
