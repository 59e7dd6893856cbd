// An action's undo (DriverActivity.undo) as a rollback the experiment can state ahead of the run. The undo is called
// with the action's arguments and a stand-in result that records which parts of the result it reads: those are
// only known at run time. A result field named like one of the action's arguments is taken to echo it (move_file
// returns {src, dst}); any other result-dependent argument must be filled in by the author.
import type { DefinedActivity, UndoCall } from '../drivers/define.ts';
import type { Json } from '../experiment/types.ts';
import type { Choice } from './spec.ts';

export interface UndoPlan {
  module: string;
  func: string;
  /** the undo's arguments that are known now */
  arguments: Record<string, Json>;
  /** the undo's arguments taken from the action's result: argument → where in the result (e.g. result.pids) */
  fromResult: Record<string, string>;
}

/** No undo; the undo reads nothing it can be planned from; or the plan. */
export type UndoOutcome = { kind: 'none' } | { kind: 'opaque'; reason: string } | { kind: 'plan'; plan: UndoPlan };

const paths = new WeakMap<object, string>();
const MARK = '\u0000result:';

/** A stand-in for the result: any member read is another stand-in that knows its path. */
function standIn(path: string): unknown {
  const proxy: object = new Proxy(
    {},
    {
      get(_, key) {
        if (key === Symbol.toPrimitive) return () => `${MARK}${path}\u0000`;
        if (typeof key === 'symbol') return undefined;
        return standIn(/^\d+$/.test(key) ? `${path}[${key}]` : `${path}.${key}`);
      },
    },
  );
  paths.set(proxy, path);
  return proxy;
}

/** Where in the result a value comes from, if it does (a stand-in, or text built from one). */
function resultPath(v: unknown): string | undefined {
  if (v !== null && typeof v === 'object' && paths.has(v)) return paths.get(v);
  if (typeof v === 'string' && v.includes(MARK)) return v.slice(v.indexOf(MARK) + MARK.length).split('\u0000')[0];
  if (Array.isArray(v)) return v.map(resultPath).find((p) => p !== undefined);
  if (v !== null && typeof v === 'object') return Object.values(v).map(resultPath).find((p) => p !== undefined);
  return undefined;
}

/** Every argument bound, defaults filled in, as the driver's `undo` receives them. */
function bound(def: DefinedActivity, args: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const a of def.arguments) {
    if (Object.hasOwn(args, a.name)) out[a.name] = args[a.name]!;
    else if (a.default !== undefined) out[a.name] = a.default;
  }
  return out;
}

export function planUndo(def: DefinedActivity, args: Record<string, Json>): UndoOutcome {
  if (!def.undo) return { kind: 'none' };
  const given = bound(def, args);
  let call: UndoCall | null;
  try {
    call = def.undo(structuredClone(given), standIn('result'));
  } catch {
    return { kind: 'opaque', reason: 'its undo is computed from the result at run time' };
  }
  if (call === null) return { kind: 'none' };
  const plan: UndoPlan = { module: call.module, func: call.func, arguments: {}, fromResult: {} };
  for (const [name, value] of Object.entries(call.arguments)) {
    const path = resultPath(value);
    if (path === undefined) plan.arguments[name] = value;
    else {
      // only a field passed on as is can echo an argument (not text built from it)
      const echoed = /^result\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(path)?.[1];
      const direct = value !== null && typeof value === 'object' && paths.has(value);
      if (direct && echoed !== undefined && Object.hasOwn(given, echoed) && given[echoed] !== null) plan.arguments[name] = given[echoed]!;
      else plan.fromResult[name] = path;
    }
  }
  return { kind: 'plan', plan };
}

/** The undo outcome of each method action that has one, last fault first: the order rollbacks revert them in. */
export function* undoOutcomes(method: Choice[]): Generator<{ step: Choice; outcome: Exclude<UndoOutcome, { kind: 'none' }> }> {
  for (const step of [...method].reverse()) {
    const def = step.offering.activity;
    if (step.type !== 'action' || !def) continue;
    const outcome = planUndo(def, step.arguments);
    if (outcome.kind !== 'none') yield { step, outcome };
  }
}
