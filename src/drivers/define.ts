// A native driver activity is one definition object: from it come the python-provider signature (native map), the
// validation of argument values (problems with JSON paths), the run-time check after substitution, discovery
// output, and for actions the call that reverts the fault (recorded by the fault ledger).
import { ActivityFailed, type Problem } from '../errors.ts';
import { check } from '../experiment/schema/check.ts';
import type { Node } from '../experiment/schema/vocabulary.ts';
import type { Json, JsonPath } from '../experiment/types.ts';
import { type NativeContext, type NativeParameter, registerNative } from '../providers/python/native.ts';
import { runLedgered } from './ledgered.ts';

export interface DriverArgument {
  name: string;
  schema: Node;
  /** absent: the argument is required; null is then accepted as "not given" without checking the schema */
  default?: Json;
  /** arguments that refine a common choice (e.g. 'target selection'): `init` asks for them only when asked to */
  group?: string;
  /** the portable type discovery reports, when the schema cannot say it (ports of Python functions); null: none */
  type?: string | null;
}

/** A native activity call, plain data so that a ledger can store it and replay it after a crash. */
export interface UndoCall {
  module: string;
  func: string;
  arguments: Record<string, Json>;
}

export interface DriverActivity {
  name: string;
  kind: 'action' | 'probe';
  doc: string;
  arguments: DriverArgument[];
  /** chaostoolkit's portable type name of the result (boolean, integer, string, mapping, list...) */
  returns?: string;
  /**
   * false: callable, but left out of discovery (a Python module's function its `__all__` leaves out, or a name it
   * imports from another module: chaoslib calls any attribute of the module, its discovery lists `__all__` only)
   */
  listed?: boolean;
  /**
   * called with every argument bound (defaults filled in) and checked against its schema; `plan` is what `intent`
   * decided before the fault ledger recorded the fault (a backup path, the pids to pause, a tag for the processes)
   */
  run(args: Record<string, unknown>, ctx: NativeContext, plan?: unknown): unknown;
  /** for actions: the call that reverts what `run` did, given its arguments and result; null when nothing to revert */
  undo?(args: Record<string, unknown>, result: unknown): UndoCall | null;
  /**
   * Checks targets, permissions and limits without changing anything (bound arguments as `run` gets them); throws
   * TargetProblem (or ActivityFailed) with a one-line reason. Run before `run`, and by `--check-targets` before a run.
   */
  preflight?(args: Record<string, unknown>, ctx: NativeContext): void | Promise<void>;
  /**
   * For actions: decided before the fault is applied, so that the fault ledger holds a revert before anything changes
   * (see src/ledger/). The revert names an idempotent function the driver registers with registerReverts, safe to run
   * whether or not `run` then applied the fault. null: nothing the run leaves behind (it ends with the run's process).
   */
  intent?(args: Record<string, unknown>, ctx: NativeContext): Intent | null | Promise<Intent | null>;
  /**
   * For actions: what `run` would hit (processes, paths, cores...), one plain-JSON object per target, found without
   * touching anything; `--dry actions` logs it and keeps it in the run record. Throws ActivityFailed when nothing
   * would be hit.
   */
  targets?(args: Record<string, unknown>, ctx: NativeContext): Record<string, Json>[] | Promise<Record<string, Json>[]>;
}

export interface Intent {
  revert: UndoCall | null;
  /** handed to `run` */
  plan?: unknown;
}

/**
 * What a preflight found: a missing target, one in the way (a destination that exists), a permission the run lacks,
 * or a limit the arguments exceed. The first two depend on the state earlier activities leave, the last two do not.
 */
export class TargetProblem extends ActivityFailed {
  constructor(
    message: string,
    readonly kind: 'missing' | 'conflict' | 'permission' | 'limit',
    /** the argument naming the target, for the problem's JSON path */
    readonly argument?: string,
  ) {
    super(message);
  }
}

export interface DefinedActivity extends DriverActivity {
  module: string;
}

const defined = new Map<string, DefinedActivity>();

/** Registers each activity of a driver module in the native map, keeping the definitions for discovery and undo. */
export function defineDriver(module: string, activities: DriverActivity[]): void {
  for (const a of activities) {
    const def: DefinedActivity = { ...a, module };
    defined.set(`${module}.${a.name}`, def);
    const parameters: NativeParameter[] = a.arguments.map((p) =>
      p.default === undefined
        ? { name: p.name, required: true, type: typeOf(p) }
        : { name: p.name, required: false, default: p.default, type: typeOf(p) },
    );
    registerNative({
      module,
      func: a.name,
      doc: a.doc,
      parameters,
      validateArguments: (args, path) => checkArguments(def, args, path, true),
      run: async (args, ctx) => {
        const problems = checkArguments(def, args, [], false);
        if (problems.length) throw new ActivityFailed(problems.map((p) => p.message).join('; '));
        // nothing is applied when a target is missing, a permission lacks or a limit is exceeded
        await a.preflight?.(args, ctx);
        return runLedgered(def, args, ctx, normalizeCall);
      },
    });
  }
}

/** The definition behind module.func, if a driver defined it (loaded drivers only). */
export function findActivity(module: string, func: string): DefinedActivity | undefined {
  return defined.get(`${module}.${func}`);
}

/**
 * The arguments as `run` receives them (given ones over defaults), with the problems their values have against the
 * schemas (paths under `path`); null when a required argument is missing (validation reports it).
 */
export function bindArguments(def: DefinedActivity, given: Record<string, unknown>, path: JsonPath): { args: Record<string, unknown>; problems: Problem[] } | null {
  const args: Record<string, unknown> = {};
  for (const a of def.arguments) {
    if (Object.hasOwn(given, a.name)) args[a.name] = given[a.name];
    else if (a.default !== undefined) args[a.name] = a.default;
    else return null;
  }
  return { args, problems: checkArguments(def, given, path, false) };
}

/** The call with its defaulted arguments filled in, so that equal calls compare equal (rollbacks matched to faults). */
export function normalizeCall(call: UndoCall): UndoCall {
  const def = findActivity(call.module, call.func);
  if (!def) return call;
  const args: Record<string, Json> = {};
  for (const a of def.arguments) {
    if (Object.hasOwn(call.arguments, a.name)) args[a.name] = call.arguments[a.name]!;
    else if (a.default !== undefined) args[a.name] = a.default;
  }
  return { module: call.module, func: call.func, arguments: args };
}

/** Every defined activity of the loaded drivers. */
export function listActivities(): DefinedActivity[] {
  return [...defined.values()];
}

/**
 * Values against their schemas. At validation time a value holding a `${...}` placeholder is skipped: it is only known
 * once substituted at run time, where it is checked again.
 */
function checkArguments(def: DefinedActivity, args: Record<string, unknown>, path: JsonPath, skipPlaceholders: boolean): Problem[] {
  const problems: Problem[] = [];
  for (const a of def.arguments) {
    if (!Object.hasOwn(args, a.name)) continue;
    const value = args[a.name];
    if (value === null && a.default === null) continue;
    if (skipPlaceholders && hasPlaceholder(value)) continue;
    const ctx = { problems: [] as Problem[], warnings: [], parents: [] };
    check(a.schema, value, [...path, a.name], ctx);
    for (const p of ctx.problems) problems.push({ ...p, message: `argument '${a.name}' of activity '${def.name}': ${p.message}` });
  }
  return problems;
}

function hasPlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('${');
  if (Array.isArray(v)) return v.some(hasPlaceholder);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasPlaceholder);
  return false;
}

/** chaoslib's portable_type_name of the argument's annotation, read off its schema. */
const typeOf = (p: DriverArgument): string | undefined => (p.type === undefined ? portableType(p.schema) : (p.type ?? undefined));

export function portableType(node: Node): string | undefined {
  switch (node.kind) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return node.integer ? 'integer' : 'number';
    case 'string':
      return 'string';
    case 'enum':
      return node.values.every((v) => typeof v === 'string') ? 'string' : 'object';
    case 'array':
      return 'list';
    case 'object':
      return 'mapping';
    case 'custom':
      return portableType(node.node);
    case 'lazy':
      return portableType(node.node());
    default:
      return 'object';
  }
}
