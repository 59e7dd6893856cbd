// HTTP probes: the status, the latency, whether the body holds a text or matches a pattern, a JSON path's value in
// the body, and whether the endpoint responds as expected at all.
import { ActivityFailed } from '../../errors.ts';
import { arr, bool, custom, int, str, union, type CheckContext, type Node } from '../../experiment/schema/vocabulary.ts';
import type { JsonPath } from '../../experiment/types.ts';
import { JsonPathError, matchJsonPath, parseJsonPath } from '../../python/jsonpath2.ts';
import type { DriverActivity } from '../define.ts';
import { NoResponse, request, requestArguments, text } from './request.ts';

/** Sequential samples are bounded: a probe is a measurement, not a load test. */
const MAX_SAMPLES = 1000;

const statusNode: Node = int({ minimum: 100 });
const expectStatus: Node = union([{ when: { type: ['array'] }, node: arr(statusNode, { minItems: 1 }) }], statusNode, {
  description: 'a status code or a list of them (default: any 2xx or 3xx)',
});
const jsonPathNode: Node = custom(
  str({ minLength: 1, description: "a JSON path in the dialect of chaostoolkit's jsonpath tolerance" }),
  (value: unknown, path: JsonPath, ctx: CheckContext) => {
    try {
      parseJsonPath(value as string);
    } catch (err) {
      if (!(err instanceof JsonPathError)) throw err;
      ctx.problems.push({ message: err.message, path });
    }
  },
);

function seconds(samples: number[]): number | Record<string, number> {
  if (samples.length === 1) return samples[0]!;
  const sorted = [...samples].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return {
    min: sorted[0]!,
    avg: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    p50: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    max: sorted.at(-1)!,
  };
}

function regexOf(pattern: string): RegExp {
  try {
    return new RegExp(pattern, 'm');
  } catch (err) {
    throw new ActivityFailed(`invalid pattern ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

export const probes: DriverActivity[] = [
  {
    name: 'status',
    kind: 'probe',
    doc: 'The HTTP status code of the response (redirects followed). Fails when there is no response within `timeout` seconds.',
    arguments: requestArguments,
    returns: 'integer',
    run: async (a, ctx) => (await request(a, ctx)).status,
  },
  {
    name: 'latency',
    kind: 'probe',
    doc:
      'Seconds from sending the request to the last byte of the response, whatever its status. With `samples` > 1, ' +
      'that many requests one after the other and a mapping of seconds: min, avg, p50 (median), max.',
    arguments: [...requestArguments, { name: 'samples', schema: int({ minimum: 1, maximum: MAX_SAMPLES }), default: 1 }],
    returns: 'object',
    run: async (a, ctx) => {
      const taken: number[] = [];
      for (let i = 0; i < (a.samples as number); i++) taken.push((await request(a, ctx)).elapsed);
      return seconds(taken);
    },
  },
  {
    name: 'body_contains',
    kind: 'probe',
    doc: 'Whether the response body (as text) contains `text`, or has a match of the regular expression `pattern`.',
    arguments: [...requestArguments, { name: 'text', schema: str(), default: null }, { name: 'pattern', schema: str({ minLength: 1 }), default: null }],
    returns: 'boolean',
    run: async (a, ctx) => {
      if ((a.text === null) === (a.pattern === null)) throw new ActivityFailed('body_contains needs exactly one of text or pattern');
      const regex = a.pattern === null ? null : regexOf(a.pattern as string);
      const body = text((await request(a, ctx)).raw);
      return regex ? regex.test(body) : body.includes(a.text as string);
    },
  },
  {
    name: 'json_path',
    kind: 'probe',
    doc:
      "The value a JSON path (the jsonpath tolerance's dialect) matches in the JSON response body: the first match, " +
      'or null when none; with `all`, the list of every match. Fails when the body is not JSON.',
    arguments: [...requestArguments, { name: 'path', schema: jsonPathNode }, { name: 'all', schema: bool(), default: false }],
    returns: 'object',
    run: async (a, ctx) => {
      const compiled = parseJsonPath(a.path as string);
      const res = await request(a, ctx);
      let document: unknown;
      try {
        document = JSON.parse(text(res.raw));
      } catch (err) {
        throw new ActivityFailed(`the response of ${a.method} ${a.url} (status ${res.status}) is not JSON: ${(err as Error).message}`);
      }
      const values = matchJsonPath(compiled, document);
      return a.all ? values : (values[0] ?? null);
    },
  },
  {
    name: 'responds',
    kind: 'probe',
    doc:
      'Whether a response with an expected status (`expect_status`: a code or a list; any 2xx or 3xx unless said) ' +
      'comes within `timeout` seconds. A refused connection or a timeout is false, not a failure.',
    arguments: [...requestArguments, { name: 'expect_status', schema: expectStatus, default: null }],
    returns: 'boolean',
    run: async (a, ctx) => {
      let status: number;
      try {
        status = (await request(a, ctx)).status;
      } catch (err) {
        if (ctx.signal?.aborted || !(err instanceof NoResponse)) throw err;
        return false;
      }
      const expected = a.expect_status as number | number[] | null;
      if (expected === null) return status >= 200 && status <= 399;
      return Array.isArray(expected) ? expected.includes(status) : status === expected;
    },
  },
];

