// `${name}` substitution as the reference does it: Python's string.Template (safe_substitute) over
// ChainMap(configuration, *secret scopes), with one twist — a string that is exactly `${name}` yields the value
// itself, keeping its type.
import { isPlainObject, pythonStr } from '../python/values.ts';
import type { Configuration, Secrets } from './types.ts';

/** Python identifiers, ASCII only: `${dashed-key}` is not a placeholder. */
const ID = '[_a-zA-Z][_a-zA-Z0-9]*';
/** string.Template.pattern: `$$`, `$name`, `${name}`, or a lone `$` that stays as it is. */
const TEMPLATE = new RegExp(`\\$(?:(\\$)|(${ID})|\\{(${ID})\\}|())`, 'g');
const WHOLE = new RegExp(`^\\$\\{(${ID})\\}$`);

type Lookup = (key: string) => { value: unknown } | undefined;

/** Replaces placeholders in strings, recursively in arrays and plain objects; the input is not altered. */
export function substitute<T>(value: T, configuration: Configuration, secrets: Secrets): T {
  // Like the reference, only mapping scopes take part; it would crash on the first lookup through any other.
  const maps = [configuration ?? {}, ...Object.values(secrets ?? {}).filter(isPlainObject)];
  const lookup: Lookup = (key) => {
    for (const m of maps) if (Object.hasOwn(m, key)) return { value: m[key] };
    return undefined;
  };
  return walk(value, lookup) as T;
}

function walk(value: unknown, lookup: Lookup): unknown {
  if (typeof value === 'string') return value ? substituteString(value, lookup) : value;
  if (Array.isArray(value)) return value.map((v) => walk(v, lookup));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, lookup);
    return out;
  }
  return value;
}

function substituteString(s: string, lookup: Lookup): unknown {
  const whole = WHOLE.exec(s);
  if (whole) {
    const hit = lookup(whole[1]);
    if (hit) return hit.value;
  }
  return s.replace(TEMPLATE, (match, escaped?: string, named?: string, braced?: string) => {
    const key = named ?? braced;
    if (key !== undefined) {
      const hit = lookup(key);
      return hit ? pythonStr(hit.value) : match;
    }
    return escaped !== undefined ? '$' : match;
  });
}
