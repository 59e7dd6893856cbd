// host:port handling with Go's net package behaviour and error texts, which the API returns verbatim.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/** Go's net.SplitHostPort plus the port number; throws the Go message ("address x: missing port in address"). */
export function splitHostPort(addr: string): HostPort {
  const fail = (why: string): never => {
    throw new Error(`address ${addr}: ${why}`);
  };
  let host: string;
  let portText: string;
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0) fail('missing \']\' in address');
    if (close + 1 === addr.length) fail('missing port in address');
    if (addr[close + 1] !== ':') fail(addr.indexOf(':', close + 1) < 0 ? 'missing port in address' : 'too many colons in address');
    host = addr.slice(1, close);
    portText = addr.slice(close + 2);
  } else {
    const i = addr.lastIndexOf(':');
    if (i < 0) fail('missing port in address');
    host = addr.slice(0, i);
    if (host.includes(':')) fail('too many colons in address');
    portText = addr.slice(i + 1);
  }
  if (portText === '') return { host: host!, port: 0 };
  if (!/^\d+$/.test(portText) || Number(portText) > 65535) fail('invalid port');
  return { host: host!, port: Number(portText) };
}

/** Go's TCPAddr.String(). */
export function formatAddr(host: string, port: number): string {
  if (host === '') return `:${port}`;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

async function resolveHost(host: string): Promise<string> {
  if (host === '' || isIP(host)) return host;
  if (host === 'localhost') return '127.0.0.1';
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    try {
      return (await lookup(host)).address;
    } catch {
      throw new Error(`lookup ${host}: no such host`);
    }
  }
}

/** Go's net.ResolveTCPAddr("tcp", addr).String(): what Proxy.Differs compares. */
export async function resolveTcpAddr(addr: string): Promise<string> {
  const { host, port } = splitHostPort(addr);
  return formatAddr(await resolveHost(host), port);
}

/** Where to bind for a Go listen address: wildcards become one dual-stack socket, shown as [::]. */
export async function listenTarget(addr: string): Promise<{ bindHost: string; port: number; shownHost: string }> {
  const { host, port } = splitHostPort(addr);
  const ip = await resolveHost(host);
  if (ip === '' || ip === '0.0.0.0' || ip === '::') return { bindHost: '::', port, shownHost: '::' };
  return { bindHost: ip, port, shownHost: ip };
}

/** Go's syscall error text for a failed bind. */
export function bindErrorText(code: string | undefined, fallback: string): string {
  switch (code) {
    case 'EADDRINUSE':
      return 'bind: address already in use';
    case 'EACCES':
      return 'bind: permission denied';
    case 'EADDRNOTAVAIL':
      return 'bind: cannot assign requested address';
    case 'EAFNOSUPPORT':
      return 'socket: address family not supported by protocol';
    default:
      return fallback;
  }
}
