// Hypothesis probe tolerances: bool, int, str, list, and the probe, regex, jsonpath and range mappings (§4).
import { pythonStr } from '../../python/values.ts';
import type { JsonPath } from '../types.ts';
import {
  type CheckContext,
  type Node,
  any,
  arr,
  bool,
  int,
  isFalsy,
  isObject,
  num,
  obj,
  oneOf,
  opt,
  own,
  req,
  str,
  union,
} from './vocabulary.ts';

const TOLERANCE_TYPE_MESSAGE =
  'hypothesis probe tolerance must either be an integer, a string, a boolean or a pair of values for boundaries. ' +
  'It can also be a dictionary which is a probe activity definition that takes an argument called `value` with ' +
  'the value of the probe itself to be validated';

export function toleranceNode(toleranceProbe: Node): Node {
  const target = opt(
    str({ typeMessage: 'a tolerance target must be a string', description: 'Key of the output to check, e.g. "body" or "stdout".' }),
    { nullable: true },
  );
  const regex = obj(
    {
      type: req(oneOf(['regex']), ''),
      pattern: req(
        str({
          typeMessage: (v) => `hypothesis probe tolerance pattern ${pythonStr(v)} has an invalid type`,
          description: 'Python regular expression searched in the value; substituted.',
        }),
        'hypothesis regex probe tolerance must have a `pattern` key',
      ),
      target,
    },
    { title: 'Regex tolerance' },
  );
  const jsonpath = obj(
    {
      type: req(oneOf(['jsonpath']), ''),
      path: req(
        str({
          pattern: '\\S',
          typeMessage: (v) => `hypothesis probe tolerance JSON path ${pythonStr(v)} has an invalid type`,
          formatMessage: 'hypothesis probe tolerance JSON path cannot be empty',
          description: 'JSONPath (jsonpath2 dialect); substituted.',
        }),
        'hypothesis jsonpath probe tolerance must have a `path` key',
      ),
      target,
      expect: opt(any({ description: 'A scalar: matches must be [expect]; a list: matches must equal it.' })),
      count: opt(
        int({ minimum: 0, typeMessage: 'a jsonpath tolerance count must be an integer', description: 'Number of matches expected.' }),
      ),
    },
    { title: 'JSONPath tolerance' },
  );
  const bound = (which: string) => num({ typeMessage: `hypothesis range ${which} boundary must be a number` });
  const range = obj(
    {
      type: req(oneOf(['range']), ''),
      range: req(
        arr(undefined, {
          prefixItems: [bound('lower'), bound('upper')],
          minItems: 2,
          maxItems: 2,
          typeMessage: 'hypothesis range must be a sequence',
          lengthMessage: 'hypothesis range sequence must be made of two values',
          description: '[lower, upper], inclusive.',
        }),
        'hypothesis range probe tolerance must have a `range` key',
      ),
      target,
    },
    { title: 'Range tolerance' },
  );
  const object = union(
    [
      { when: { key: 'type', equals: 'probe' }, node: toleranceProbe },
      { when: { key: 'type', equals: 'regex' }, node: regex },
      { when: { key: 'type', equals: 'jsonpath' }, node: jsonpath },
      { when: { key: 'type', equals: 'range' }, node: range },
    ],
    (v) => `hypothesis probe tolerance type '${pythonStr(own(v as Record<string, unknown>, 'type'))}' is unsupported`,
  );
  return union(
    [
      { when: { type: ['boolean'] }, node: bool({ description: 'The output equals it (1 == true).' }) },
      { when: { type: ['integer'] }, node: int({ description: 'The status of a http/process output, or the output itself, equals it.' }) },
      { when: { type: ['string'] }, node: str({ description: 'The output equals it; an exact ${name} is substituted first.' }) },
      {
        when: { type: ['array'] },
        node: arr(any(), { description: 'Membership against a status; otherwise two items are an inclusive range.' }),
      },
      { when: { type: ['object'] }, node: object },
    ],
    TOLERANCE_TYPE_MESSAGE,
    { id: 'tolerance', title: 'Tolerance', description: 'What a hypothesis probe output must satisfy.' },
  );
}

const MAPPING_OUTPUT = new Set(['http', 'process']);

/**
 * Correction 3: http and process outputs are mappings with `status`, so a regex or range tolerance without `target`
 * would crash the reference; and `true` or a literal string can never match them.
 */
export function checkToleranceAgainstOutput(v: unknown, path: JsonPath, ctx: CheckContext): void {
  const probe = v as Record<string, unknown>;
  const providerType = own(own(probe, 'provider') as Record<string, unknown>, 'type') as string;
  if (!MAPPING_OUTPUT.has(providerType)) return;
  const tol = own(probe, 'tolerance');
  const at = [...path, 'tolerance'];
  const output = `a ${providerType} probe, whose output is a mapping with a status`;
  if (isObject(tol) && (tol.type === 'regex' || tol.type === 'range') && isFalsy(own(tol, 'target'))) {
    const example = providerType === 'http' ? '"body"' : '"stdout"';
    ctx.problems.push({
      message: `a ${tol.type} tolerance on a ${providerType} probe needs a \`target\` (e.g. ${example}): the probe's output is a mapping with a status`,
      path: at,
    });
  } else if (tol === true) {
    ctx.warnings.push({ message: `tolerance true never matches ${output}`, path: at });
  } else if (typeof tol === 'string' && !/^\$\{[^}]*\}$/.test(tol)) {
    ctx.warnings.push({ message: `a string tolerance never matches ${output}`, path: at });
  }
}
