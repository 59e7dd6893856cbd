// The JSON Schema side of the vocabulary: draft 2020-12, with titles and descriptions for editor completion.
// Custom (semantic) checks have no JSON Schema form; only their structural part is emitted.
import type { Json } from '../types.ts';
import { checkDocument } from './check.ts';
import type { Condition, Node, Property } from './vocabulary.ts';

export type Schema = { [key: string]: Json } | boolean;

export const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/** The document schema for `root`, with every node that has an `id` under $defs. */
export function toJsonSchema(root: Node, meta: { $id?: string; title?: string; description?: string } = {}): { [key: string]: Json } {
  const defs: Record<string, Schema> = {};
  const body = emit(root, defs, true) as { [key: string]: Json };
  const out: { [key: string]: Json } = { $schema: DRAFT };
  if (meta.$id) out.$id = meta.$id;
  if (meta.title) out.title = meta.title;
  if (meta.description) out.description = meta.description;
  Object.assign(out, body);
  if (Object.keys(defs).length) {
    out.$defs = Object.fromEntries(Object.keys(defs).sort().map((k) => [k, defs[k] as Json]));
  }
  return out;
}

/** A node's schema inside a document assembled elsewhere, whose $defs collect into `defs`. */
export function toJsonSchemaFragment(node: Node, defs: Record<string, Schema>): Schema {
  return emit(node, defs);
}

function annotations(node: Node): { [key: string]: Json } {
  const a: { [key: string]: Json } = {};
  if (node.title !== undefined) a.title = node.title;
  if (node.description !== undefined) a.description = node.description;
  if (node.default !== undefined) a.default = node.default;
  if (node.examples !== undefined) a.examples = node.examples;
  if (node.deprecated) a.deprecated = true;
  return a;
}

function emit(node: Node, defs: Record<string, Schema>, isRoot = false): Schema {
  if (node.id && !isRoot) {
    if (!(node.id in defs)) {
      defs[node.id] = true; // placeholder: a recursive reference finds the name already taken
      defs[node.id] = body(node, defs);
    }
    return { $ref: `#/$defs/${node.id}` };
  }
  return body(node, defs);
}

function body(node: Node, defs: Record<string, Schema>): Schema {
  const s: { [key: string]: Json } = annotations(node);
  switch (node.kind) {
    case 'any':
      return s;
    case 'boolean':
      return { type: 'boolean', ...s };
    case 'number':
      return {
        type: node.integer ? 'integer' : 'number',
        ...(node.minimum !== undefined ? { minimum: node.minimum } : {}),
        ...(node.maximum !== undefined ? { maximum: node.maximum } : {}),
        ...s,
      };
    case 'string':
      return {
        type: 'string',
        ...(node.minLength !== undefined ? { minLength: node.minLength } : {}),
        ...(node.pattern !== undefined ? { pattern: node.pattern } : {}),
        ...s,
      };
    case 'enum':
      return node.values.length === 1 ? { const: node.values[0] as Json, ...s } : { enum: node.values, ...s };
    case 'array': {
      const a: { [key: string]: Json } = { type: 'array', ...s };
      if (node.prefixItems) a.prefixItems = node.prefixItems.map((n) => emit(n, defs) as Json);
      if (node.items) a.items = emit(node.items, defs) as Json;
      if (node.minItems !== undefined) a.minItems = node.minItems;
      if (node.maxItems !== undefined) a.maxItems = node.maxItems;
      return a;
    }
    case 'object': {
      const o: { [key: string]: Json } = { type: 'object', ...s };
      const props = Object.entries(node.properties ?? {});
      if (props.length) o.properties = Object.fromEntries(props.map(([k, p]) => [k, property(p, defs) as Json]));
      const required = props.filter(([, p]) => p.required !== undefined).map(([k]) => k);
      if (required.length) o.required = required;
      if (node.minProperties !== undefined) o.minProperties = node.minProperties;
      if (node.additional) o.additionalProperties = emit(node.additional, defs) as Json;
      return o;
    }
    case 'union':
      return { ...s, ...union(node.variants, node.otherwise, defs) };
    case 'custom': {
      // the custom check adds no JSON Schema constraint: its annotations go on the inner schema
      const inner = emit(node.node, defs);
      return typeof inner === 'object' ? { ...inner, ...s } : inner;
    }
    case 'lazy':
      return emit(node.node(), defs);
  }
}

const FALSY: Json[] = [null, false, 0, '', [], {}];

/** A property's schema: null allowed when nullable, Python-falsy values rejected when `truthy`. */
function property(p: Property, defs: Record<string, Schema>): Schema {
  let s = emit(p.node, defs);
  // only the falsy values the node itself would accept need excluding
  const accepted = p.truthy ? FALSY.filter((v) => checkDocument(p.node, v, { structuralOnly: true }).problems.length === 0) : [];
  if (accepted.length && typeof s === 'object') {
    if (s.type === 'string' && accepted.length === 1 && accepted[0] === '') s = { ...s, minLength: 1 };
    else if (s.type === 'object' && accepted.length === 1) s = { ...s, minProperties: 1 };
    else if (s.type === 'array' && accepted.length === 1) s = { ...s, minItems: 1 };
    else s = { allOf: [s as Json, { not: { enum: accepted } }] };
  }
  if (p.nullable) {
    // annotations stay on the outside, where editors look for them
    const { title, description, ...rest } = typeof s === 'object' ? s : ({} as { [key: string]: Json });
    const hoisted = { ...(title !== undefined ? { title } : {}), ...(description !== undefined ? { description } : {}) };
    s = { ...hoisted, anyOf: [{ type: 'null' }, (typeof s === 'object' ? rest : s) as Json] };
  }
  if (p.description !== undefined && typeof s === 'object') s = { description: p.description, ...s };
  return s;
}

function condition(c: Condition): { [key: string]: Json } {
  if ('type' in c) return { type: c.type.length === 1 ? (c.type[0] as string) : c.type };
  if ('hasKey' in c) return { type: 'object', required: [c.hasKey], properties: { [c.hasKey]: { not: { type: 'null' } } } };
  return { type: 'object', required: [c.key], properties: { [c.key]: { const: c.equals } } };
}

/** First-match semantics as an if/then/else chain. */
function union(variants: { when: Condition; node: Node }[], otherwise: Node | unknown, defs: Record<string, Schema>): { [key: string]: Json } {
  let tail: Schema = typeof otherwise === 'object' && otherwise !== null ? emit(otherwise as Node, defs) : fallback(variants);
  for (let i = variants.length - 1; i >= 0; i--) {
    const v = variants[i]!;
    tail = { if: condition(v.when), then: emit(v.node, defs) as Json, else: tail as Json };
  }
  return typeof tail === 'object' ? tail : { allOf: [tail] };
}

/**
 * What "none of the variants" looks like when it is an error: for a discriminated union the discriminator's values
 * (so that editors can offer them), for a union over JSON types the accepted types; otherwise nothing is accepted.
 */
function fallback(variants: { when: Condition }[]): Schema {
  const conds = variants.map((v) => v.when);
  if (conds.length && conds.every((c) => 'key' in c)) {
    const key = (conds[0] as { key: string }).key;
    if (conds.every((c) => (c as { key: string }).key === key)) {
      return { type: 'object', required: [key], properties: { [key]: { enum: conds.map((c) => (c as { equals: Json }).equals) } } };
    }
  }
  if (conds.length && conds.every((c) => 'type' in c)) {
    return { type: [...new Set(conds.flatMap((c) => (c as { type: string[] }).type))] };
  }
  return false;
}
