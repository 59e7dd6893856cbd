// The settings key syntax of `chaos settings get|set|remove` (chaoslib's locate_settings_entry): dots separate
// mapping keys, `\.` is a literal dot (`auths.example\.com`), a trailing `[i]` indexes a list (`notifications[0].url`).
// As in the reference every backslash is dropped after splitting; unlike it, `a[0][1]` chains indexes.
import { ChaosError } from '../errors.ts';

export type KeyPart = string | number;

const INDEXES = /((?:\[[0-9]*\])+)$/;

/** `auths.example\.com.value` → ['auths', 'example.com', 'value']; `notifications[0]` → ['notifications', 0]. */
export function parseKey(key: string): KeyPart[] {
  const parts: KeyPart[] = [];
  for (const raw of key.split(/(?<!\\)\./)) {
    let part = raw.replaceAll('\\', '');
    const m = INDEXES.exec(part);
    if (!m) {
      parts.push(part);
      continue;
    }
    part = part.slice(0, m.index);
    // `a.[0]` indexes `a`, as if written `a[0]`
    if (part !== '') parts.push(part);
    for (const [, digits] of m[1]!.matchAll(/\[([0-9]*)\]/g)) {
      if (digits === '') throw new ChaosError(`invalid settings key '${key}': empty index []`);
      parts.push(Number(digits));
    }
  }
  return parts;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(container: unknown, part: KeyPart): boolean {
  if (typeof part === 'number') return Array.isArray(container) && part < container.length;
  return isMapping(container) && Object.hasOwn(container, part);
}

function child(container: unknown, part: KeyPart): unknown {
  return (container as Record<string | number, unknown>)[part];
}

const toParts = (key: string | KeyPart[]): KeyPart[] => (typeof key === 'string' ? parseKey(key) : key);

/** The value at KEY, or undefined when any part of it is missing (settings values are never undefined). */
export function getKey(obj: unknown, key: string | KeyPart[]): unknown {
  let current = obj;
  for (const part of toParts(key)) {
    if (!has(current, part)) return undefined;
    current = child(current, part);
  }
  return current;
}

/**
 * Sets KEY to VALUE, creating missing intermediate mappings (lists when the next part is an index).
 * An index may point one past the end of a list to append. Throws ChaosError when a part goes through a scalar,
 * indexes a mapping, names a key in a list, or skips list slots.
 */
export function setKey(obj: unknown, key: string | KeyPart[], value: unknown): void {
  const parts = toParts(key);
  if (parts.length === 0) throw new ChaosError('the settings key is empty');
  let current = obj;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const where = describe(parts.slice(0, i));
    if (typeof part === 'number') {
      if (!Array.isArray(current)) throw new ChaosError(`cannot index ${where}: it is ${kind(current)}, not a list`);
      if (part > current.length) {
        throw new ChaosError(`index ${part} is out of range for ${where} (${current.length} item(s); use ${current.length} to append)`);
      }
    } else if (!isMapping(current)) {
      throw new ChaosError(`cannot set '${part}' in ${where}: it is ${kind(current)}, not a mapping`);
    }
    const c = current as Record<string | number, unknown>;
    if (last) assign(c, part, value);
    // an empty `runtime:` is null in YAML: fill it rather than refuse
    else if (!has(c, part) || c[part] === null) assign(c, part, typeof parts[i + 1] === 'number' ? [] : {});
    current = c[part];
  });
}

/** An own property even for `__proto__`, which plain assignment would turn into a prototype change. */
function assign(c: Record<string | number, unknown>, part: KeyPart, value: unknown): void {
  Object.defineProperty(c, part, { value, writable: true, enumerable: true, configurable: true });
}

/** Removes KEY (a list item is spliced out); false when it is not there. */
export function removeKey(obj: unknown, key: string | KeyPart[]): boolean {
  const parts = toParts(key);
  if (parts.length === 0) return false;
  const parent = getKey(obj, parts.slice(0, -1));
  const part = parts.at(-1)!;
  if (!has(parent, part)) return false;
  if (typeof part === 'number') (parent as unknown[]).splice(part, 1);
  else delete (parent as Record<string, unknown>)[part];
  return true;
}

/** Back to the key syntax, for messages: ['auths', 'example.com'] → auths.example\.com */
export function formatKey(parts: KeyPart[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += (out ? '.' : '') + p.replaceAll('.', '\\.');
  }
  return out;
}

function describe(parts: KeyPart[]): string {
  return parts.length ? `'${formatKey(parts)}'` : 'the settings';
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isMapping(v)) return 'a mapping';
  return `a ${typeof v}`;
}
