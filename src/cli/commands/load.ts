// `turbulence load URL`: keep-alive HTTP load at a fixed concurrency or a fixed rate, bounded in time and count; a
// live line on a terminal, then a summary table or (--json) one JSON document. Exit 1 when no request got a response.
import { readFileSync } from 'node:fs';
import { ChaosError } from '../../errors.ts';
import { writeStderr, writeStdout } from '../../log.ts';
import { failureReason, formatProgress, formatSummary } from '../../load/format.ts';
import { generateLoad } from '../../load/generator.ts';
import { DEFAULTS, type LoadOptions, checkOptions, parseDuration } from '../../load/options.ts';
import type { GlobalOptions } from '../globals.ts';

export interface LoadFlags {
  connections?: string;
  rate?: string;
  duration?: string;
  requests?: string;
  method?: string;
  header: string[];
  body?: string;
  timeout?: string;
  allowRemote: boolean;
  insecure: boolean;
  json: boolean;
}

export async function loadCommand(_g: GlobalOptions, url: string, flags: LoadFlags): Promise<number> {
  const options = toOptions(url, flags);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const live = !flags.json && process.stderr.isTTY;
  try {
    const summary = await generateLoad(options, {
      signal: abort.signal,
      onProgress: live ? (p) => writeStderr(`\r\x1b[K${formatProgress(p)}`) : undefined,
    });
    if (live) writeStderr('\r\x1b[K');
    writeStdout(flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
    const reason = failureReason(summary);
    if (reason === null) return 0;
    writeStderr(`turbulence load: ${reason}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function toOptions(url: string, f: LoadFlags): LoadOptions {
  const options: LoadOptions = {
    url,
    connections: f.connections === undefined ? DEFAULTS.connections : integer(f.connections, '--connections'),
    rate: f.rate === undefined ? null : number(f.rate, '--rate'),
    duration: f.duration === undefined ? DEFAULTS.duration : parseDuration(f.duration),
    requests: f.requests === undefined ? null : integer(f.requests, '--requests'),
    method: f.method ?? DEFAULTS.method,
    headers: headers(f.header),
    body: f.body === undefined ? null : body(f.body),
    timeout: f.timeout === undefined ? DEFAULTS.timeout : parseDuration(f.timeout),
    allowRemote: f.allowRemote,
    insecure: f.insecure,
  };
  checkOptions(options, { connections: '--connections', rate: '--rate', duration: '--duration', requests: '--requests', timeout: '--timeout', method: '--method' });
  return options;
}

function integer(text: string, flag: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new ChaosError(`${flag} must be a whole number, not '${text}'`);
  return Number(text);
}

function number(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new ChaosError(`${flag} must be a number, not '${text}'`);
  return n;
}

function headers(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new ChaosError(`invalid --header '${h}' (expected 'Name: value')`);
    out[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  return out;
}

function body(text: string): Buffer {
  if (!text.startsWith('@')) return Buffer.from(text);
  try {
    return readFileSync(text.slice(1));
  } catch (err) {
    throw new ChaosError(`cannot read the body file '${text.slice(1)}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
