// The attributes of the HTTP fault toxics, in the shape of Istio's VirtualService fault injection:
//   {"abort": {"httpStatus": 503, "percentage": {"value": 50}},
//    "delay": {"fixedDelay": "2s", "percentage": {"value": 10}},
//    "match": [{"method": {"exact": "GET"}, "uri": {"prefix": "/api"}, "headers": {"x-user": {"regex": "test.*"}}}]}
// Match entries are ORed, the fields of one entry ANDed; no match applies the fault to every request; a missing
// percentage means 100.
import { durationMs } from '../toxic-collection.ts';

export interface StringMatch {
  test(value: string): boolean;
}

export interface RequestMatch {
  method?: StringMatch;
  uri?: StringMatch;
  headers: [string, StringMatch][];
}

export interface FaultSpec {
  abort?: { status: number; percent: number };
  delay?: { ms: number; percent: number };
  match: RequestMatch[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMatch(v: unknown, where: string): StringMatch {
  if (!isObj(v)) throw new Error(`${where} must be an object with exact, prefix or regex`);
  const keys = Object.keys(v);
  if (keys.length !== 1 || !['exact', 'prefix', 'regex'].includes(keys[0]!) || typeof v[keys[0]!] !== 'string') {
    throw new Error(`${where} must have exactly one of exact, prefix or regex, a string`);
  }
  const s = v[keys[0]!] as string;
  if (keys[0] === 'exact') return { test: (x) => x === s };
  if (keys[0] === 'prefix') return { test: (x) => x.startsWith(s) };
  let re: RegExp;
  try {
    // Istio's regex matches the whole value (RE2 full match)
    re = new RegExp(`^(?:${s})$`);
  } catch (err) {
    throw new Error(`${where}.regex is not a valid regular expression: ${(err as Error).message}`);
  }
  return { test: (x) => re.test(x) };
}

function percent(v: unknown, where: string): number {
  if (v === undefined || v === null) return 100;
  if (!isObj(v) || typeof v.value !== 'number' || v.value < 0 || v.value > 100) {
    throw new Error(`${where}.percentage must be {"value": <number from 0 to 100>}`);
  }
  return v.value;
}

/** Parses and checks the attributes; throws with a message for the API's 400. */
export function parseFaultSpec(a: Obj, need: 'abort' | 'delay' | 'either'): FaultSpec {
  const spec: FaultSpec = { match: [] };
  if (a.abort !== undefined && a.abort !== null) {
    if (!isObj(a.abort)) throw new Error('abort must be an object');
    const status = a.abort.httpStatus;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
      throw new Error('abort.httpStatus must be an HTTP status code from 200 to 599');
    }
    spec.abort = { status, percent: percent(a.abort.percentage, 'abort') };
  }
  if (a.delay !== undefined && a.delay !== null) {
    if (!isObj(a.delay)) throw new Error('delay must be an object');
    const ms = durationMs(a.delay.fixedDelay);
    if (ms === undefined) throw new Error('delay.fixedDelay must be a duration such as "2s" or "150ms", or milliseconds');
    spec.delay = { ms, percent: percent(a.delay.percentage, 'delay') };
  }
  if (need === 'abort' && !spec.abort) throw new Error('abort is required');
  if (need === 'delay' && !spec.delay) throw new Error('delay is required');
  if (need === 'either' && !spec.abort && !spec.delay) throw new Error('abort or delay is required');
  const matches = a.match === undefined || a.match === null ? [] : Array.isArray(a.match) ? a.match : [a.match];
  matches.forEach((m, i) => {
    const where = `match[${i}]`;
    if (!isObj(m)) throw new Error(`${where} must be an object`);
    for (const k of Object.keys(m)) {
      if (!['method', 'uri', 'headers'].includes(k)) throw new Error(`${where}.${k} is not supported (method, uri, headers)`);
    }
    const rm: RequestMatch = { headers: [] };
    if (m.method !== undefined) rm.method = stringMatch(m.method, `${where}.method`);
    if (m.uri !== undefined) rm.uri = stringMatch(m.uri, `${where}.uri`);
    if (m.headers !== undefined) {
      if (!isObj(m.headers)) throw new Error(`${where}.headers must be an object keyed by header name`);
      for (const [name, sm] of Object.entries(m.headers)) rm.headers.push([name.toLowerCase(), stringMatch(sm, `${where}.headers.${name}`)]);
    }
    spec.match.push(rm);
  });
  return spec;
}

export interface RequestHead {
  method: string;
  path: string;
  headers: Map<string, string>;
}

export function matches(spec: FaultSpec, req: RequestHead): boolean {
  if (spec.match.length === 0) return true;
  return spec.match.some(
    (m) =>
      (!m.method || m.method.test(req.method)) &&
      (!m.uri || m.uri.test(req.path)) &&
      m.headers.every(([name, sm]) => {
        const v = req.headers.get(name);
        return v !== undefined && sm.test(v);
      }),
  );
}
