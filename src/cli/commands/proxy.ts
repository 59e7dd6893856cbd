// `turbulence proxy`: a Toxiproxy 2.12-compatible fault-injection proxy server. Prints `listening on URL` once ready
// and runs until SIGINT or SIGTERM (exit 0).
import { readFileSync } from 'node:fs';
import { ChaosError } from '../../errors.ts';
import { log, writeStdout } from '../../log.ts';
import type { GlobalOptions } from '../globals.ts';

export interface ProxyOptions {
  host: string;
  port: string;
  config?: string;
  tokenEnv?: string;
  seed?: string;
  maxBody?: string;
  proxyMetrics: boolean;
  runtimeMetrics: boolean;
}

function integer(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new ChaosError(`${what} must be an integer from ${min} to ${max}, not '${value}'`);
  return n;
}

function readConfig(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ChaosError(`cannot read the proxy configuration '${path}': ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ChaosError(`the proxy configuration '${path}' is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw new ChaosError(`the proxy configuration '${path}' must be a JSON array of proxies`);
  return value;
}

export async function proxyCommand(_g: GlobalOptions, opts: ProxyOptions): Promise<number> {
  let token: string | undefined;
  if (opts.tokenEnv !== undefined) {
    token = process.env[opts.tokenEnv];
    if (!token) throw new ChaosError(`the environment variable ${opts.tokenEnv} (--token-env) is not set or empty`);
  }
  const { startProxyServer } = await import('../../proxy/server.ts');
  let server;
  try {
    server = await startProxyServer({
      host: opts.host,
      port: integer(opts.port, '--port', 0, 65535),
      token,
      seed: opts.seed === undefined ? undefined : integer(opts.seed, '--seed', 0, Number.MAX_SAFE_INTEGER),
      maxBodyBytes: opts.maxBody === undefined ? undefined : integer(opts.maxBody, '--max-body', 1, 2 ** 31),
      config: opts.config === undefined ? undefined : readConfig(opts.config),
      proxyMetrics: opts.proxyMetrics,
      runtimeMetrics: opts.runtimeMetrics,
    });
  } catch (err) {
    if (err instanceof ChaosError) throw err;
    throw new ChaosError(`cannot start the proxy server: ${(err as Error).message}`);
  }
  // the handlers go in before the ready line: a signal sent as soon as it is read must not kill the process
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  writeStdout(`listening on ${server.url}\n`);
  log.info(`Toxiproxy-compatible API on ${server.url}${token ? ' (bearer token required)' : ''}`);
  log.info(`${await signal}: stopping the proxy server`);
  await server.close();
  return 0;
}
