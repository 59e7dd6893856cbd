// The validator side of the vocabulary: walks a value with a node and reports every problem with its JSON path.
// Siblings are always checked; a value of the wrong type is reported once and not descended into.
import type { JsonPath } from '../types.ts';
import {
  type CheckContext,
  type Condition,
  type Message,
  type Node,
  type Property,
  isFalsy,
  isObject,
  jsonType,
  message,
  own,
} from './vocabulary.ts';

const ARTICLE: Record<string, string> = {
  boolean: 'a boolean',
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  enum: 'one of',
  array: 'a list',
  object: 'a mapping',
};

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern, 'u')));
  return re;
}

function describe(v: unknown): string {
  const t = jsonType(v);
  return t === 'other' ? 'an unsupported value' : t === 'null' ? 'null' : (ARTICLE[t] ?? t);
}

/** Checks `value` against `node`; returns true when nothing was reported for it. */
export function check(node: Node, value: unknown, path: JsonPath, ctx: CheckContext): boolean {
  const before = ctx.problems.length;
  visit(node, value, path, ctx);
  return ctx.problems.length === before;
}

/** Checks a whole document. */
export function checkDocument(node: Node, value: unknown, opts: { structuralOnly?: boolean } = {}): CheckContext {
  const ctx: CheckContext = { problems: [], warnings: [], parents: [], structuralOnly: opts.structuralOnly };
  check(node, value, [], ctx);
  return ctx;
}

export function matches(cond: Condition, v: unknown): boolean {
  if ('type' in cond) {
    const t = jsonType(v);
    return cond.type.some((want) => want === t || (want === 'number' && t === 'integer'));
  }
  if (!isObject(v)) return false;
  if ('hasKey' in cond) return own(v, cond.hasKey) !== undefined && own(v, cond.hasKey) !== null;
  return own(v, cond.key) === cond.equals;
}

function report(ctx: CheckContext, m: Message | undefined, fallback: string, value: unknown, path: JsonPath): void {
  ctx.problems.push({ message: m === undefined ? fallback : message(m, value, ctx.parents), path });
}

function wrongType(ctx: CheckContext, node: Node, expected: string, value: unknown, path: JsonPath): void {
  report(ctx, node.typeMessage, `expected ${expected}, found ${describe(value)}`, value, path);
}

function visit(node: Node, value: unknown, path: JsonPath, ctx: CheckContext): void {
  switch (node.kind) {
    case 'any':
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrongType(ctx, node, 'a boolean', value, path);
      return;
    case 'number': {
      const t = jsonType(value);
      if (t !== 'integer' && (node.integer || t !== 'number')) {
        return wrongType(ctx, node, node.integer ? 'an integer' : 'a number', value, path);
      }
      if (node.minimum !== undefined && (value as number) < node.minimum) {
        report(ctx, node.rangeMessage, `expected a number of at least ${node.minimum}`, value, path);
      }
      if (node.maximum !== undefined && (value as number) > node.maximum) {
        report(ctx, node.rangeMessage, `expected a number of at most ${node.maximum}`, value, path);
      }
      return;
    }
    case 'string':
      if (typeof value !== 'string') return wrongType(ctx, node, 'a string', value, path);
      if (node.minLength !== undefined && value.length < node.minLength) {
        report(ctx, node.formatMessage, node.minLength === 1 ? 'expected a non-empty string' : `expected at least ${node.minLength} characters`, value, path);
      } else if (node.pattern !== undefined && !compiled(node.pattern).test(value)) {
        report(ctx, node.formatMessage, `expected a string matching /${node.pattern}/`, value, path);
      }
      return;
    case 'enum':
      if (!node.values.some((v) => v === value)) {
        report(ctx, node.enumMessage ?? node.typeMessage, `expected one of ${node.values.map((v) => JSON.stringify(v)).join(', ')}`, value, path);
      }
      return;
    case 'array':
      return visitArray(node, value, path, ctx);
    case 'object':
      return visitObject(node, value, path, ctx);
    case 'union': {
      const variant = node.variants.find((v) => matches(v.when, value));
      if (variant) return visit(variant.node, value, path, ctx);
      if (typeof node.otherwise === 'object') return visit(node.otherwise, value, path, ctx);
      return report(ctx, node.otherwise, '', value, path);
    }
    case 'custom':
      if (check(node.node, value, path, ctx) && !ctx.structuralOnly) node.check(value, path, ctx);
      return;
    case 'lazy':
      return visit(node.node(), value, path, ctx);
  }
}

function visitArray(node: Extract<Node, { kind: 'array' }>, value: unknown, path: JsonPath, ctx: CheckContext): void {
  if (!Array.isArray(value)) return wrongType(ctx, node, 'a list', value, path);
  const n = value.length;
  if ((node.minItems !== undefined && n < node.minItems) || (node.maxItems !== undefined && n > node.maxItems)) {
    const fallback =
      node.minItems === node.maxItems
        ? `expected exactly ${node.minItems} items, found ${n}`
        : node.maxItems === undefined
          ? `expected at least ${node.minItems} items, found ${n}`
          : `expected between ${node.minItems ?? 0} and ${node.maxItems} items, found ${n}`;
    return report(ctx, node.lengthMessage, fallback, value, path);
  }
  ctx.parents.push(value);
  try {
    value.forEach((item, i) => {
      const itemNode = node.prefixItems?.[i] ?? node.items;
      if (itemNode) visit(itemNode, item, [...path, i], ctx);
    });
  } finally {
    ctx.parents.pop();
  }
}

function visitObject(node: Extract<Node, { kind: 'object' }>, value: unknown, path: JsonPath, ctx: CheckContext): void {
  if (!isObject(value)) return wrongType(ctx, node, 'a mapping', value, path);
  if (node.minProperties !== undefined && Object.keys(value).length < node.minProperties) {
    return report(ctx, node.emptyMessage, 'expected a non-empty mapping', value, path);
  }
  const props = node.properties ?? {};
  ctx.parents.push(value);
  try {
    for (const key in props) {
      const v = own(value, key);
      // most declared keys are absent from a given activity: no path for them unless one is reported
      if (v === undefined) {
        if (props[key].required !== undefined) report(ctx, props[key].required, '', undefined, path);
      } else {
        visitProperty(props[key], v, [...path, key], ctx);
      }
    }
    if (node.additional) {
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(props, key)) visit(node.additional, value[key], [...path, key], ctx);
      }
    }
  } finally {
    ctx.parents.pop();
  }
}

/** A present key's value (a missing key cannot be pointed at: visitObject reports it on the object that lacks it). */
function visitProperty(prop: Property, v: unknown, path: JsonPath, ctx: CheckContext): void {
  if (v === null && prop.nullable) return;
  if ((prop.truthy && isFalsy(v)) || (prop.nullIsMissing && v === null)) {
    report(ctx, prop.required, 'expected a non-empty value', v, path);
    return;
  }
  visit(prop.node, v, path, ctx);
}
