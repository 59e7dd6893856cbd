// Blast radius: which of the candidate targets an action hits. Any driver that finds several candidates (processes
// now, Kubernetes pods later) narrows them here, the same way: allow list, then deny list (deny always wins), then
// the mode picks how many. Random picks are reproducible with a seed, so a `--dry` run names exactly what a real
// run with the same seed hits.
import { randomInt } from 'node:crypto';
import { ActivityFailed } from '../errors.ts';
import { arr, int, oneOf, str, union, type Node } from '../experiment/schema/vocabulary.ts';
import type { DriverActivity, DriverArgument } from './define.ts';

export type TargetMode = 'all' | 'one' | 'fixed' | 'fixed-percent' | 'random-max-percent';
export const TARGET_MODES: TargetMode[] = ['all', 'one', 'fixed', 'fixed-percent', 'random-max-percent'];

/** An allow/deny entry: a number is an id (a pid), "/regex/" is searched in the target's text, any other string is a name. */
export type TargetMatcher = number | string;

export interface TargetSelection {
  mode: TargetMode;
  /** a count for `fixed`, a percent (1-100) for `fixed-percent` and `random-max-percent` */
  quantity: number | null;
  /** makes the random picks reproducible; none: a fresh random pick each time */
  seed: number | string | null;
  allow: TargetMatcher[] | null;
  deny: TargetMatcher[] | null;
}

/** What allow/deny entries are matched against. */
export interface TargetIdentity {
  id: number | string;
  /** exact names (e.g. a process's comm and argv[0] basename) */
  names: string[];
  /** what "/regex/" entries are searched in (e.g. the command line) */
  text: string;
}

const matcherNode: Node = union([{ when: { type: ['integer'] }, node: int({ minimum: 1 }) }], str({ minLength: 1 }), {
  description: 'an id (pid), a name, or "/regex/" searched in the command line',
});
const matchers = (what: string): Node => arr(matcherNode, { description: what });

/** The selection arguments, for any driver that selects among several targets. */
const selection: DriverArgument[] = [
  {
    name: 'mode',
    schema: oneOf(TARGET_MODES, {
      description: 'how many of the matching targets to hit: all, one (at random), fixed (quantity of them), fixed-percent (quantity % of them, rounded down, at least one), random-max-percent (a random number between one and quantity % of them)',
    }),
    default: 'all',
  },
  { name: 'quantity', schema: int({ minimum: 1, description: 'a count (fixed) or a percent, 1 to 100 (fixed-percent, random-max-percent)' }), default: null },
  {
    name: 'seed',
    schema: union([{ when: { type: ['integer'] }, node: int() }], str({ minLength: 1 }), { description: 'makes the random choice reproducible (integer or string)' }),
    default: null,
  },
  { name: 'allow', schema: matchers('only targets matching one of these may be hit'), default: null },
  { name: 'deny', schema: matchers('targets matching one of these are never hit (deny wins over allow)'), default: null },
];

export const selectionArguments: DriverArgument[] = selection.map((a) => ({ ...a, group: 'target selection' }));

/** The selection read from bound arguments; throws ActivityFailed when mode and quantity do not fit together. */
export function selectionFrom(args: Record<string, unknown>): TargetSelection {
  const s: TargetSelection = {
    mode: (args.mode as TargetMode | null) ?? 'all',
    quantity: (args.quantity as number | null) ?? null,
    seed: (args.seed as number | string | null) ?? null,
    allow: (args.allow as TargetMatcher[] | null) ?? null,
    deny: (args.deny as TargetMatcher[] | null) ?? null,
  };
  const needsQuantity = s.mode === 'fixed' || s.mode === 'fixed-percent' || s.mode === 'random-max-percent';
  if (needsQuantity && s.quantity === null) throw new ActivityFailed(`mode '${s.mode}' needs a quantity`);
  if (!needsQuantity && s.quantity !== null) throw new ActivityFailed(`mode '${s.mode}' takes no quantity`);
  if (s.mode !== 'fixed' && s.quantity !== null && s.quantity > 100) throw new ActivityFailed(`mode '${s.mode}' takes a percent: quantity ${s.quantity} is over 100`);
  for (const m of [...(s.allow ?? []), ...(s.deny ?? [])]) regexOf(m);
  return s;
}

/** Whether the selection narrows anything (so callers can say so in messages). */
export function isNarrowed(s: TargetSelection): boolean {
  return s.mode !== 'all' || s.allow !== null || s.deny !== null;
}

/**
 * The targets to hit among `candidates` (given in a stable order, e.g. by pid, for the seed to be reproducible):
 * those the allow list admits (every one when there is none), less those the deny list names, then as many as
 * the mode says, picked at random except for `all`. Returned in candidate order.
 */
export function selectTargets<T>(candidates: T[], selection: TargetSelection, describe: (t: T) => TargetIdentity): T[] {
  const matches = (list: TargetMatcher[], id: TargetIdentity) => list.some((m) => matchesOne(m, id));
  const eligible = candidates.filter((c) => {
    const id = describe(c);
    if (selection.allow && !matches(selection.allow, id)) return false;
    return !(selection.deny && matches(selection.deny, id));
  });
  const count = targetCount(eligible.length, selection);
  if (count >= eligible.length) return eligible;
  const picked = pick(eligible.length, count, randomSource(selection.seed));
  return eligible.filter((_, i) => picked.has(i));
}

/** How many of `n` eligible targets the mode hits (random-max-percent draws it from the seed's stream). */
function targetCount(n: number, s: TargetSelection): number {
  if (n === 0) return 0;
  const q = s.quantity ?? 0;
  const percentCount = Math.max(1, Math.floor((n * q) / 100));
  switch (s.mode) {
    case 'all':
      return n;
    case 'one':
      return 1;
    case 'fixed':
      return Math.min(q, n);
    case 'fixed-percent':
      return percentCount;
    case 'random-max-percent':
      // its own stream, so that the count does not shift which targets the pick stream chooses
      return 1 + Math.floor(randomSource(s.seed === null ? null : `${s.seed}/count`)() * percentCount);
  }
}

function matchesOne(m: TargetMatcher, id: TargetIdentity): boolean {
  if (typeof m === 'number') return id.id === m;
  const regex = regexOf(m);
  return regex ? regex.test(id.text) : id.names.includes(m) || id.id === m;
}

function regexOf(m: TargetMatcher): RegExp | null {
  if (typeof m !== 'string' || m.length < 3 || !m.startsWith('/') || !m.endsWith('/')) return null;
  try {
    return new RegExp(m.slice(1, -1));
  } catch (err) {
    throw new ActivityFailed(`invalid target pattern ${JSON.stringify(m)}: ${(err as Error).message}`);
  }
}

/** `count` distinct indexes below `n`: a partial Fisher-Yates shuffle. */
function pick(n: number, count: number, random: () => number): Set<number> {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return new Set(idx.slice(0, count));
}

/** A [0, 1) stream: mulberry32 from the seed's hash, or from a fresh random seed when there is none. */
function randomSource(seed: number | string | null): () => number {
  let a = seed === null ? randomInt(2 ** 32) : hash(String(seed));
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the UTF-16 code units. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

type TargetsHook = NonNullable<DriverActivity['targets']>;

/** Gives each activity named in `hooks` its `targets` hook (drivers keep these beside their actions). */
export function withTargets(activities: DriverActivity[], hooks: Record<string, TargetsHook>): DriverActivity[] {
  return activities.map((a) => (hooks[a.name] ? { ...a, targets: hooks[a.name] } : a));
}
