// The one-line activity spec of `turbulence init`'s flags:
//
//   MODULE.FUNC key=value key=value...      a driver activity, e.g. turbulence.process.kill_process name=api
//   http url=... [method=...] ...           the generic http provider
//   process path=... [arguments=...] ...    the generic process provider
//
// A value runs up to the next space, unless it starts with a quote ('...' or "...", where \" and \\ escape) or
// with [ or { (JSON, read to its matching bracket). Values are typed by the argument's schema (see value.ts).
// `tolerance=` (hypothesis probes only) is JSON, or text when it is not JSON.
import { ChaosError } from '../errors.ts';
import type { Json } from '../experiment/types.ts';
import { type Offering, findOffering } from './catalog.ts';
import { parseValue } from './value.ts';

/** Where an activity goes, which decides its type and whether it takes a tolerance. */
export type Role = 'hypothesis' | 'method-action' | 'method-probe' | 'rollback';

export interface Choice {
  offering: Offering;
  type: 'probe' | 'action';
  arguments: Record<string, Json>;
  tolerance?: Json;
}

export const roleType = (role: Role): 'probe' | 'action' => (role === 'hypothesis' || role === 'method-probe' ? 'probe' : 'action');

/** The words of a spec: the activity's id, then key/value pairs as typed. */
export function tokenize(spec: string): { id: string; pairs: [string, string][] } {
  const text = spec.trim();
  const idEnd = text.search(/\s|$/);
  const id = text.slice(0, idEnd);
  if (!id) throw new ChaosError('empty activity spec: expected MODULE.FUNC key=value... (or http/process key=value...)');
  const pairs: [string, string][] = [];
  let i = idEnd;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    const space = text.slice(i).search(/\s/);
    if (eq < 0 || (space >= 0 && i + space < eq)) {
      const word = text.slice(i, space < 0 ? undefined : i + space);
      throw new ChaosError(`in spec '${id}': expected key=value, found '${word}'`);
    }
    const key = text.slice(i, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) throw new ChaosError(`in spec '${id}': '${key}' is not an argument name`);
    const [value, next] = readValue(text, eq + 1, `${id} ${key}`);
    pairs.push([key, value]);
    i = next;
  }
  return { id, pairs };
}

/** Reads one value starting at `i`; returns it and the index after it. */
function readValue(text: string, i: number, where: string): [string, number] {
  const c = text[i];
  if (c === "'" || c === '"') {
    let out = '';
    for (let j = i + 1; j < text.length; j++) {
      const d = text[j]!;
      if (d === c) return endOfWord(text, j + 1, where) && [out, j + 1];
      if (c === '"' && d === '\\' && j + 1 < text.length) out += text[++j];
      else out += d;
    }
    throw new ChaosError(`in spec '${where}': unterminated ${c} quote`);
  }
  if (c === '[' || c === '{') {
    let depth = 0;
    let inString = false;
    for (let j = i; j < text.length; j++) {
      const d = text[j]!;
      if (inString) {
        if (d === '\\') j++;
        else if (d === '"') inString = false;
      } else if (d === '"') inString = true;
      else if (d === '[' || d === '{') depth++;
      else if (d === ']' || d === '}') {
        if (--depth === 0) return endOfWord(text, j + 1, where) && [text.slice(i, j + 1), j + 1];
      }
    }
    throw new ChaosError(`in spec '${where}': unbalanced ${c} in a JSON value`);
  }
  const end = text.slice(i).search(/\s/);
  return end < 0 ? [text.slice(i), text.length] : [text.slice(i, i + end), i + end];
}

function endOfWord(text: string, i: number, where: string): true {
  if (i < text.length && !/\s/.test(text[i]!)) throw new ChaosError(`in spec '${where}': expected a space after the value, found '${text[i]}'`);
  return true;
}

/** Text typed as a tolerance: JSON, else the text (a string tolerance). */
export function parseTolerance(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/**
 * Typed arguments of `offering` from key/text pairs; a one-line ChaosError for an unknown or repeated argument, a
 * value of the wrong type or a missing required one.
 */
export function bindArguments(offering: Offering, pairs: [string, string][]): Record<string, Json> {
  const args: Record<string, Json> = {};
  for (const [key, text] of pairs) {
    const arg = offering.arguments.find((a) => a.name === key);
    if (!arg) {
      const known = offering.arguments.map((a) => a.name).join(', ') || 'none';
      throw new ChaosError(`${offering.id} has no argument '${key}' (arguments: ${known})`);
    }
    if (Object.hasOwn(args, key)) throw new ChaosError(`${offering.id}: argument '${key}' is given twice`);
    const parsed = parseValue(text, arg.schema);
    if ('error' in parsed) throw new ChaosError(`${offering.id}: argument '${key}': ${parsed.error}`);
    args[key] = parsed.value;
  }
  const missing = offering.arguments.filter((a) => a.default === undefined && !Object.hasOwn(args, a.name));
  if (missing.length) throw new ChaosError(`${offering.id}: missing required argument ${missing.map((a) => `'${a.name}'`).join(', ')}`);
  return args;
}

/** A spec read against the catalog for the given role. */
export function parseSpec(spec: string, catalog: Offering[], role: Role): Choice {
  const { id, pairs } = tokenize(spec);
  const offering = findOffering(catalog, id);
  if (typeof offering === 'string') throw new ChaosError(offering);
  const type = roleType(role);
  if (offering.kind !== 'either' && offering.kind !== type) {
    const where = { hypothesis: 'a steady-state probe', 'method-probe': 'a method probe', 'method-action': 'a method action', rollback: 'a rollback' }[role];
    throw new ChaosError(`${id} is ${offering.kind === 'probe' ? 'a probe' : 'an action'}: it cannot be ${where}`);
  }
  const tolerancePairs = pairs.filter(([k]) => k === 'tolerance');
  if (tolerancePairs.length && role !== 'hypothesis') throw new ChaosError(`${id}: only steady-state probes (--probe) take a tolerance`);
  if (tolerancePairs.length > 1) throw new ChaosError(`${id}: tolerance is given twice`);
  const choice: Choice = { offering, type, arguments: bindArguments(offering, pairs.filter(([k]) => k !== 'tolerance')) };
  if (tolerancePairs.length) choice.tolerance = parseTolerance(tolerancePairs[0]![1]);
  return choice;
}
