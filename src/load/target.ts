// The target of a load: its URL resolved once to one address (every connection goes there, no DNS per connection),
// and the safety rule: loopback only unless the user says the remote system is theirs (--allow-remote).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ChaosError } from '../errors.ts';

export interface Target {
  url: URL;
  tls: boolean;
  /** the address connections go to */
  address: string;
  port: number;
  /** the name for the Host header and TLS SNI */
  hostname: string;
}

export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  if (isIP(a) === 4) return a.startsWith('127.');
  if (a === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

export function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ChaosError(`invalid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ChaosError(`unsupported URL scheme ${url.protocol} (http or https only): ${raw}`);
  return url;
}

export async function resolveTarget(raw: string, allowRemote: boolean): Promise<Target> {
  const url = parseUrl(raw);
  const tls = url.protocol === 'https:';
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: string[];
  if (isIP(hostname)) addresses = [hostname];
  else {
    try {
      addresses = (await lookup(hostname, { all: true })).map((a) => a.address);
    } catch {
      throw new ChaosError(`cannot resolve host ${hostname}`);
    }
  }
  // every address must be loopback: a name that also resolves elsewhere is not safe to aim at
  if (!allowRemote && !addresses.every(isLoopback)) {
    throw new ChaosError(`refusing to load ${hostname}: not a loopback address; pass --allow-remote (allow_remote) only for systems you own`);
  }
  const port = url.port ? Number(url.port) : tls ? 443 : 80;
  return { url, tls, address: addresses[0]!, port, hostname };
}
