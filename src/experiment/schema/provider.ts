// The provider types an activity runs: python, process and http, with chaoslib's messages.
import { pythonStr } from '../../python/values.ts';
import { type Node, any, arr, bool, int, map, num, obj, oneOf, opt, req, str, union } from './vocabulary.ts';

/** Exactly one `${name}` placeholder (pauses, http timeouts), checked as chaoslib does: starts with ${, ends with }. */
export const PLACEHOLDER = '^\\$\\{[\\s\\S]*\\}$';

export const secretScopes = () =>
  arr(str(), {
    description: 'Names of the secret scopes this provider receives (only python providers use them).',
    typeMessage: 'provider secrets must be a list of secret scope names',
  });

const providerType = (t: string) => req(oneOf([t]), 'a provider must have a type', { truthy: true });

/** A required, non-empty string member of a provider. */
const required = (missing: string, typeMessage: string, description: string, extra: Parameters<typeof str>[0] = {}) =>
  req(str({ minLength: 1, typeMessage, description, ...extra }), missing, { truthy: true });

/**
 * The three provider types. `forTolerance`: the provider of a probe used as a tolerance, which receives the
 * checked value as `arguments.value`, so `arguments` must be a mapping (the reference crashes otherwise).
 */
export function provider(forTolerance: boolean): Node {
  const id = (name: string) => (forTolerance ? `toleranceProvider${name}` : `provider${name}`);
  const toleranceArgs = req(
    map(any(), {
      typeMessage: 'a probe tolerance needs its provider arguments as a mapping, which receives the checked value as `value`',
    }),
    'a probe tolerance needs provider `arguments` (a mapping): the checked value is passed as its `value` argument',
    { description: 'Arguments; `value` is set to the output of the hypothesis probe being checked.' },
  );

  const python = obj(
    {
      type: providerType('python'),
      module: required(
        'a Python activity must have a module path',
        'a Python activity module path must be a string',
        'Dotted module path, e.g. chaosk8s.pod.actions.',
      ),
      func: required(
        'a Python activity must have a function name',
        'a Python activity function name must be a string',
        'Function name in the module.',
      ),
      arguments: forTolerance
        ? toleranceArgs
        : opt(
            map(any(), {
              typeMessage: 'a Python activity expects arguments as a mapping',
              description: 'Keyword arguments; ${name} placeholders are substituted.',
            }),
          ),
      secrets: opt(secretScopes()),
    },
    { id: id('Python'), title: 'Python provider', description: 'Calls module.func(**arguments), in a Python interpreter.' },
  );

  const process = obj(
    {
      type: providerType('process'),
      path: required(
        'a process activity must have a path',
        'a process activity path must be a string',
        'Executable, looked up on PATH; never substituted.',
        { pattern: '^[^\\u0000]+$', formatMessage: 'a process activity path cannot contain a NUL character' },
      ),
      arguments: forTolerance
        ? toleranceArgs
        : opt(
            union(
              [
                { when: { type: ['string'] }, node: str({ description: 'Appended to the path and run through the shell.' }) },
                { when: { type: ['array'] }, node: arr(any(), { description: 'One argv item per element (null and "" are dropped).' }) },
                {
                  when: { type: ['object'] },
                  node: map(any(), { description: 'Deprecated: flattened into key/value pairs.', deprecated: true }),
                },
              ],
              'process arguments must be a string, a list or (deprecated) a mapping',
              { description: 'Command-line arguments; ${name} placeholders are substituted.' },
            ),
          ),
      timeout: opt(
        num({
          minimum: 0,
          typeMessage: 'a process activity timeout must be a number of seconds',
          description: 'Seconds before the process is killed and the activity fails.',
        }),
        { nullable: true },
      ),
      secrets: opt(secretScopes()),
    },
    {
      id: id('Process'),
      title: 'Process provider',
      description: 'Runs an executable; output {status, stdout, stderr}. A non-zero exit is not a failure.',
    },
  );

  const seconds = () => num({ minimum: 0 });
  const http = obj(
    {
      type: providerType('http'),
      url: required('a HTTP activity must have a URL', 'a HTTP activity URL must be a string', 'Request URL; ${name} placeholders are substituted.'),
      method: opt(
        str({ minLength: 1, default: 'GET', typeMessage: 'a HTTP activity method must be a string', description: 'HTTP verb (upper-cased).' }),
      ),
      headers: opt(
        map(any(), { typeMessage: 'a HTTP activities expect headers as a mapping', description: 'Request headers; substituted.' }),
        { nullable: true },
      ),
      arguments: forTolerance
        ? toleranceArgs
        : opt(
            any({
              description: 'Query string for GET; a JSON body when Content-Type is exactly application/json; a form body otherwise.',
            }),
            { nullable: true },
          ),
      timeout: opt(
        union(
          [
            { when: { type: ['number'] }, node: seconds() },
            {
              when: { type: ['array'] },
              node: arr(undefined, {
                prefixItems: [seconds(), seconds()],
                minItems: 2,
                maxItems: 2,
                lengthMessage: 'a HTTP activity timeout list must be [connect, read]',
              }),
            },
            {
              when: { type: ['string'] },
              node: str({ pattern: PLACEHOLDER, formatMessage: 'a HTTP activity timeout string must be a ${name} placeholder' }),
            },
          ],
          'a HTTP activity timeout must be a number of seconds, [connect, read] or a ${name} placeholder',
          { description: 'Seconds, or [connect, read]; substituted.' },
        ),
        { nullable: true },
      ),
      verify_tls: opt(
        union(
          [
            { when: { type: ['boolean'] }, node: bool() },
            { when: { type: ['string'] }, node: str() },
          ],
          'a HTTP activity verify_tls must be a boolean (or a CA bundle path)',
          { default: true, description: 'Verify the server certificate (or a CA bundle path).' },
        ),
      ),
      max_retries: opt(
        int({
          minimum: 0,
          typeMessage: 'a HTTP activity max_retries must be a non-negative integer',
          default: 0,
          description: 'Connection retries.',
        }),
      ),
      expected_status: opt(any({ description: 'Documented by Chaos Toolkit but never implemented: ignored.' })),
      secrets: opt(secretScopes()),
    },
    {
      id: id('Http'),
      title: 'HTTP provider',
      description: 'Sends a request; output {status, headers, body}. 4xx/5xx are not failures.',
    },
  );

  return union(
    [
      { when: { key: 'type', equals: 'python' }, node: python },
      { when: { key: 'type', equals: 'process' }, node: process },
      { when: { key: 'type', equals: 'http' }, node: http },
    ],
    obj(
      {
        type: req(
          oneOf(['python', 'process', 'http'], { enumMessage: (v) => `unknown provider type '${pythonStr(v)}'` }),
          'a provider must have a type',
          { truthy: true },
        ),
      },
      { typeMessage: 'an activity provider must be a mapping' },
    ),
    { id: id(''), title: 'Provider', description: 'What the activity runs: python, process or http.' },
  );
}
