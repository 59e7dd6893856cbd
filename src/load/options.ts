// What a load run is told, with the hard bounds every run obeys whoever calls it (CLI or experiment action).
import { ChaosError } from '../errors.ts';

export interface LoadOptions {
  url: string;
  /** concurrent keep-alive connections; in closed-loop mode also the number of requests in flight */
  connections: number;
  /** open-loop mode: requests per second spread over the connections; null: closed loop (fixed concurrency) */
  rate: number | null;
  /** seconds */
  duration: number;
  /** stop after this many requests (responses and errors); null: the duration alone bounds the run */
  requests: number | null;
  method: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** seconds a request (or connect) may take before it counts as a timeout */
  timeout: number;
  allowRemote: boolean;
  /** https: accept any certificate */
  insecure: boolean;
}

export const LIMITS = { connections: 10_000, rate: 1_000_000, duration: 3600, requests: 1e9, timeout: 600 };

export const DEFAULTS = { connections: 10, duration: 10, method: 'GET', timeout: 10 };

/** Seconds from `10`, `2.5`, `10s`, `20S` (siege), `500ms`, `1m`, `1h`. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!m) throw new ChaosError(`invalid duration '${text}' (seconds, or a number with ms, s, m or h)`);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 0.001 : unit === 'm' ? 60 : unit === 'h' ? 3600 : 1;
  return Number(m[1]) * factor;
}

/** Checks every bound; the message names the option as the user wrote it (`names` maps field → flag or argument). */
export function checkOptions(o: LoadOptions, names: Partial<Record<keyof LoadOptions, string>> = {}): void {
  const name = (k: keyof LoadOptions) => names[k] ?? k;
  const range = (k: keyof LoadOptions, v: number, min: number, max: number, integer: boolean) => {
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      throw new ChaosError(`${name(k)} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not ${v}`);
    }
  };
  range('connections', o.connections, 1, LIMITS.connections, true);
  if (o.rate !== null) range('rate', o.rate, 0.001, LIMITS.rate, false);
  range('duration', o.duration, 0.001, LIMITS.duration, false);
  if (o.requests !== null) range('requests', o.requests, 1, LIMITS.requests, true);
  range('timeout', o.timeout, 0.001, LIMITS.timeout, false);
  if (!/^[A-Za-z]+$/.test(o.method)) throw new ChaosError(`invalid ${name('method')} '${o.method}'`);
  for (const [k, v] of Object.entries(o.headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw new ChaosError(`invalid header name '${k}'`);
    if (/[\r\n\0]/.test(v)) throw new ChaosError(`invalid value for header '${k}'`);
  }
}
