// generate_load: the `turbulence load` generator as an experiment action. It returns the same summary mapping as
// `turbulence load --json`, so tolerances and later probes can read latency, status counts and errors; it stops
// when the run is interrupted.
import { ActivityFailed, ChaosError } from '../../errors.ts';
import { bool, int, map, num, str } from '../../experiment/schema/vocabulary.ts';
import { generateLoad } from '../../load/generator.ts';
import { DEFAULTS, LIMITS, type LoadOptions } from '../../load/options.ts';
import { resolveTarget } from '../../load/target.ts';
import { type DriverActivity, TargetProblem } from '../define.ts';

export const MODULE = 'turbulence.load';

const options = (a: Record<string, unknown>): LoadOptions => ({
  url: a.url as string,
  connections: a.connections as number,
  rate: a.rate as number | null,
  duration: a.duration as number,
  requests: a.requests as number | null,
  method: a.method as string,
  headers: a.headers as Record<string, string>,
  body: a.body === null ? null : Buffer.from(a.body as string),
  timeout: a.timeout as number,
  allowRemote: a.allow_remote as boolean,
  insecure: a.insecure as boolean,
});

export const actions: DriverActivity[] = [
  {
    name: 'generate_load',
    kind: 'action',
    doc:
      'Send keep-alive HTTP load to url for `duration` seconds (or `requests` requests, whichever first): `connections` ' +
      'requests in flight, or with `rate` that many requests per second (latency from the scheduled send time). Returns ' +
      'the summary of `turbulence load --json`: requests, latency_ms percentiles, status counts, errors by kind. Loopback ' +
      'targets only unless allow_remote (only for systems you own).',
    arguments: [
      { name: 'url', schema: str({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', formatMessage: 'expected an http:// or https:// URL' }) },
      { name: 'connections', schema: int({ minimum: 1, maximum: LIMITS.connections }), default: DEFAULTS.connections },
      { name: 'rate', schema: num({ minimum: 0.001, maximum: LIMITS.rate, description: 'requests per second (open loop)' }), default: null },
      { name: 'duration', schema: num({ minimum: 0.001, maximum: LIMITS.duration, description: 'seconds' }), default: DEFAULTS.duration },
      { name: 'requests', schema: int({ minimum: 1, maximum: LIMITS.requests }), default: null },
      { name: 'method', schema: str({ pattern: '^[A-Za-z]+$', formatMessage: 'expected an HTTP method such as "GET"' }), default: DEFAULTS.method },
      { name: 'headers', schema: map(str()), default: {} },
      { name: 'body', schema: str(), default: null },
      { name: 'timeout', schema: num({ minimum: 0.001, maximum: LIMITS.timeout, description: 'seconds' }), default: DEFAULTS.timeout },
      { name: 'allow_remote', schema: bool(), default: false },
      { name: 'insecure', schema: bool(), default: false },
    ],
    returns: 'mapping',
    preflight: async (a) => {
      try {
        await resolveTarget(a.url as string, a.allow_remote as boolean);
      } catch (err) {
        if (err instanceof ChaosError) throw new TargetProblem(err.message, 'permission', 'url');
        throw err;
      }
    },
    run: async (a, ctx) => {
      try {
        return await generateLoad(options(a), { signal: ctx.signal });
      } catch (err) {
        // bad options or target: this activity fails, the run goes on
        if (err instanceof ChaosError && !(err instanceof ActivityFailed)) throw new ActivityFailed(err.message);
        throw err;
      }
    },
  },
];
