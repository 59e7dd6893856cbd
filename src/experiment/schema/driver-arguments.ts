// The native drivers' activities in the JSON Schema: for a python provider naming a driver module, `func` is one of
// that driver's activities, and `arguments` is checked against the activity's argument schemas (names, types,
// required ones, nothing else). Expressed as if/then rules on the python provider, which editors (VS Code's JSON
// service among them) follow for completion, hover and diagnostics. A value holding a ${name} placeholder is always
// accepted, as `turbulence validate` only checks it once substituted at run time.
import type { Json } from '../types.ts';
import { type Schema, toJsonSchemaFragment } from './json-schema.ts';
import type { Node } from './vocabulary.ts';

/** What the schema needs of a driver activity (src/drivers/define.ts's DefinedActivity has it). */
export interface ActivitySignature {
  module: string;
  name: string;
  kind: 'action' | 'probe';
  doc: string;
  arguments: { name: string; schema: Node; default?: Json }[];
}

const PLACEHOLDER_DEF = 'placeholder';
const placeholderRef = { $ref: `#/$defs/${PLACEHOLDER_DEF}` };

/** A value holding a ${...} placeholder anywhere: a string with "${", a list or a mapping with such a member. */
const placeholder: Schema = {
  title: 'Placeholder',
  description: 'A value holding a ${name} placeholder, substituted at run time.',
  anyOf: [
    { type: 'string', pattern: '\\$\\{' },
    { type: 'array', contains: placeholderRef },
    // "not every member is free of placeholders"
    { type: 'object', not: { type: 'object', additionalProperties: { not: placeholderRef } } },
  ],
};

function argumentSchema(a: ActivitySignature['arguments'][number], defs: Record<string, Schema>): Json {
  const inner = toJsonSchemaFragment(a.schema, defs);
  const { title, description, ...rest } = typeof inner === 'object' ? inner : ({} as Record<string, Json>);
  const out: Record<string, Json> = {};
  if (title !== undefined) out.title = title;
  if (description !== undefined) out.description = description;
  if (a.default !== undefined && a.default !== null) out.default = a.default;
  // null means "not given" for an argument whose default is null
  out.anyOf = [...(a.default === null ? [{ type: 'null' }] : []), typeof inner === 'object' ? rest : inner, placeholderRef];
  return out;
}

function activityRule(a: ActivitySignature, defs: Record<string, Schema>): Json {
  const required = a.arguments.filter((x) => x.default === undefined).map((x) => x.name);
  const args: Record<string, Json> = {
    type: 'object',
    description: `Arguments of ${a.module}.${a.name} (${a.kind}): ${a.doc}`,
    properties: Object.fromEntries(a.arguments.map((x) => [x.name, argumentSchema(x, defs)])),
    additionalProperties: false,
  };
  if (required.length) args.required = required;
  return {
    if: { type: 'object', properties: { module: { const: a.module }, func: { const: a.name } }, required: ['module', 'func'] },
    then: { type: 'object', ...(required.length ? { required: ['arguments'] } : {}), properties: { arguments: args } },
  };
}

/**
 * The rules for the python provider (to go in its `allOf`), with the definitions they refer to added to `defs`.
 * Activities are taken in the order given.
 */
export function driverRules(activities: ActivitySignature[], defs: Record<string, Schema>): Json[] {
  if (!activities.length) return [];
  defs[PLACEHOLDER_DEF] = placeholder;
  const modules = [...new Set(activities.map((a) => a.module))];
  const rules: Json[] = [{ properties: { module: { examples: modules } } }];
  for (const m of modules) {
    const funcs = activities.filter((a) => a.module === m).map((a) => a.name);
    rules.push({
      if: { type: 'object', properties: { module: { const: m } }, required: ['module'] },
      then: { type: 'object', properties: { func: { description: `An activity of the ${m} driver.`, enum: funcs } } },
    });
  }
  for (const a of activities) rules.push(activityRule(a, defs));
  return rules;
}
