// Seeded mutations of experiments for the fuzz tests: delete keys, change types, insert odd values and keys,
// truncate strings, swap and duplicate nodes; and garbling of JSON/YAML text.
import { readFileSync, readdirSync } from 'node:fs';

/** mulberry32: small, fast, good enough to explore shapes. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const ODD_VALUES: Json[] = [
  null, true, false, 0, -1, 1.5, 1e308, '', ' ', 'x', '${x}', '${', '$$', '(?P<', 'probe', 'action', 'http', 'process',
  'python', 'regex', 'range', 'jsonpath', 'env', 'vault', [], [null], [1, 2], [1, 2, 3], {}, { type: 'probe' },
  { type: 'regex' }, { type: 'env' }, { ref: '' }, { ref: 'x' }, 'é\u0000\u2028🙂', 'a'.repeat(300),
];
const ODD_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'ref', 'type', 'tolerance', 'provider', 'name', 'title',
  'controls', 'pauses', 'background', 'arguments', 'target', 'pattern', 'path', 'range', 'scope', 'key', 'strategy', ''];
const TEXT_NOISE = ['{', '}', '[', ']', '"', ',', ':', '\n', ' ', '\t', '#', '&a ', '*a', '!!python/object ', '<<: ', '- ', '|', '>', "'", '\\', '\u0000', '1e3', 'yes'];

export function validCorpus(): Json[] {
  const dir = new URL('../fixtures/experiments/valid/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Json);
}

/** Every container node with the key or index under which a child sits. */
function slots(root: Json): { parent: Json[] | { [k: string]: Json }; key: string | number }[] {
  const out: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach((c, i) => (out.push({ parent: v, key: i }), walk(c)));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push({ parent: v, key: k }), walk(v[k]!);
  };
  walk(root);
  return out;
}

export function mutate(doc: Json, rnd: () => number): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const all = slots(doc);
  if (!all.length) return pick(ODD_VALUES);
  const s = pick(all);
  const get = () => (s.parent as Record<string | number, Json>)[s.key]!;
  const set = (v: Json) => void ((s.parent as Record<string | number, Json>)[s.key] = v);
  switch (Math.floor(rnd() * 7)) {
    case 0: // delete
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
      break;
    case 1: // change type
      set(structuredClone(pick(ODD_VALUES)));
      break;
    case 2: {
      // insert an odd key (own property, even for __proto__) or array item
      const target = get();
      if (Array.isArray(target)) target.splice(Math.floor(rnd() * (target.length + 1)), 0, structuredClone(pick(ODD_VALUES)));
      else if (target && typeof target === 'object') Object.defineProperty(target, pick(ODD_KEYS), { value: structuredClone(pick(ODD_VALUES)), enumerable: true, writable: true, configurable: true });
      else set(structuredClone(pick(ODD_VALUES)));
      break;
    }
    case 3: {
      // truncate text
      const v = get();
      if (typeof v === 'string') set(v.slice(0, Math.floor(rnd() * v.length)));
      else set(JSON.stringify(v ?? null).slice(0, 3));
      break;
    }
    case 4: {
      // swap two nodes
      const o = pick(all);
      const a = get();
      const b = (o.parent as Record<string | number, Json>)[o.key]!;
      set(structuredClone(b));
      (o.parent as Record<string | number, Json>)[o.key] = structuredClone(a);
      break;
    }
    case 5: {
      // duplicate a node elsewhere (refs, names and probes end up in odd places)
      set(structuredClone(pick(all).parent as Json));
      break;
    }
    default: {
      // numbers: negative, fractional, huge
      set(pick([-5, 0.25, 2 ** 53 + 2, 3]));
    }
  }
  return doc;
}

export function garble(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  switch (Math.floor(rnd() * 3)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 5));
    default:
      return text.slice(0, at) + TEXT_NOISE[Math.floor(rnd() * TEXT_NOISE.length)] + text.slice(at);
  }
}
