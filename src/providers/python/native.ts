// The native module map: TypeScript implementations registered under the Python `module` + `func` an experiment
// names, with the Python signature (names, defaults, kinds) so binding, validation and failures read exactly as
// chaoslib's validate_python_activity and run_python_activity make them. Every native driver registers here.
import { ActivityFailed, ChaosError, type Problem } from '../../errors.ts';
import type { LedgerScope } from '../../ledger/scope.ts';
import { isPlainObject, pythonRepr, pythonStrip, pythonTruthy } from '../../python/values.ts';
import { substitute } from '../../experiment/substitute.ts';
import type { Activity, Configuration, JsonPath, PythonProvider } from '../../experiment/types.ts';
import { abortReason } from '../abort.ts';
import type { ProviderContext } from '../registry.ts';
import { PythonException } from './exceptions.ts';

export interface NativeParameter {
  name: string;
  /** no default: the caller must pass it */
  required: boolean;
  /** the Python default when it is plain data; absent for a required parameter or a non-data default (a function) */
  default?: unknown;
  /** chaostoolkit's portable type name of the annotation (string, integer, number, boolean, mapping, list, object) */
  type?: string;
  /** positional-or-keyword unless said (positional-only parameters cannot be bound from keyword arguments) */
  kind?: 'keyword_only' | 'var_keyword';
}

export interface NativeContext {
  /** the run's configuration */
  configuration: Configuration;
  /**
   * what the function's `secrets` parameter receives from the provider: its listed scopes merged flat; {} when the
   * provider lists none or the function has no such parameter (Python code would see no secrets then)
   */
  secrets: Record<string, unknown>;
  /** aborted when the run is interrupted */
  signal?: AbortSignal;
  /** the run's fault ledger for this activity, when there is one */
  ledger?: LedgerScope;
}

export interface NativeFunction {
  module: string;
  func: string;
  /** the docstring, for discovery */
  doc: string;
  /** a C function: Python words its call errors differently from those of a Python function */
  builtin?: boolean;
  /** null: Python exposes no signature for it, so chaoslib can neither validate nor call it */
  parameters: NativeParameter[] | null;
  /**
   * Called with the bound arguments (every parameter by name, defaults filled in; a var-keyword parameter gets the
   * extra ones as a mapping). Throws PythonException as the Python function raises; returns what it returns.
   */
  run(args: Record<string, unknown>, ctx: NativeContext): unknown;
  /** checks of the argument values, after the arguments bind (native drivers describe each argument with a schema) */
  validateArguments?(args: Record<string, unknown>, path: JsonPath): Problem[];
}

const natives = new Map<string, NativeFunction>();
/** module → loader of the file that registers it: drivers load on first use, never at start-up */
const loaders = new Map<string, () => Promise<unknown>>();
const loading = new Map<() => Promise<unknown>, Promise<unknown>>();

const key = (module: string, func: string) => `${module}\0${func}`;

export function registerNative(def: NativeFunction): void {
  natives.set(key(def.module, def.func), def);
}

/** Declares modules whose native definitions a file registers when imported: `() => import('./driver.ts')`. */
export function registerNativeModules(modules: string[], load: () => Promise<unknown>): void {
  for (const m of modules) loaders.set(m, load);
}

async function loadModule(module: string): Promise<void> {
  const load = loaders.get(module);
  if (!load) return;
  let pending = loading.get(load);
  if (!pending) loading.set(load, (pending = load()));
  await pending;
}

/**
 * findNative without a promise when there is nothing to load (a module no driver file declares, e.g. every bridged
 * one): each call asks, and while the run tracks async context every promise has a cost.
 */
export function findNativeNow(module: string, func: string): NativeFunction | undefined | Promise<NativeFunction | undefined> {
  return loaders.has(module) ? findNative(module, func) : natives.get(key(module, func));
}

/** The native implementation of module.func, if there is one. */
export async function findNative(module: string, func: string): Promise<NativeFunction | undefined> {
  await loadModule(module);
  return natives.get(key(module, func));
}

/** Whether Turbulence implements anything of this module natively. */
export function isNativeModule(module: string): boolean {
  return loaders.has(module) || [...natives.values()].some((d) => d.module === module);
}

/** Every native function, by module then name (for discovery). */
export async function listNatives(): Promise<NativeFunction[]> {
  await Promise.all([...loaders.keys()].map(loadModule));
  return [...natives.values()].sort((a, b) => a.module.localeCompare(b.module) || a.func.localeCompare(b.func));
}

// ---- validation: validate_python_activity ------------------------------------------------------------------------

/** The reference's argument check: the activity's arguments bound to the signature, `configuration` and `secrets` injected. */
export function validateNative(def: NativeFunction, activity: Activity, path: JsonPath): Problem[] {
  const provider = activity.provider as PythonProvider;
  const at = [...path, 'provider'];
  if (def.parameters === null) return [{ message: noSignature(def, activity), path: at }];
  const args = provider.arguments ?? {};
  if (!isPlainObject(args)) return []; // the structural checks report it
  const kwargs = { ...args };
  if (hasParameter(def, 'secrets')) kwargs.secrets = null;
  if (hasParameter(def, 'configuration')) kwargs.configuration = null;
  const msg = signatureBind(def.parameters, kwargs);
  if (msg === null) return def.validateArguments?.(args, [...at, 'arguments']) ?? [];
  // chaoslib tells the two cases apart by words of the message, and names the activity after the function (a
  // loop variable shadows the activity's name)
  if (msg.includes('missing')) {
    const colon = msg.lastIndexOf(':');
    if (colon >= 0) {
      const arg = pythonStrip(msg.slice(colon + 1));
      return [{ message: `required argument ${arg} is missing from activity '${def.func}'`, path: [...at, 'arguments'] }];
    }
  } else if (msg.includes('unexpected')) {
    const arg = pythonStrip(msg.slice(msg.lastIndexOf(' ') + 1));
    return [{ message: `argument ${arg} is not part of the function signature in activity '${def.func}'`, path: [...at, 'arguments'] }];
  }
  // chaoslib crashes here (IndexError); say what it meant
  return [{ message: `${msg} in activity '${def.func}'`, path: [...at, 'arguments'] }];
}

function hasParameter(def: NativeFunction, name: string): boolean {
  return def.parameters?.some((p) => p.name === name) ?? false;
}

/** inspect.Signature.bind(**kwargs): the TypeError message, or null when the arguments bind. */
function signatureBind(parameters: NativeParameter[], kwargs: Record<string, unknown>): string | null {
  const left = new Set(Object.keys(kwargs));
  let varKeyword = false;
  for (const p of parameters) {
    if (p.kind === 'var_keyword') {
      varKeyword = true;
      continue;
    }
    if (left.has(p.name)) left.delete(p.name);
    else if (p.required) return `missing a required argument: ${pythonRepr(p.name)}`;
  }
  const [extra] = left;
  return extra !== undefined && !varKeyword ? `got an unexpected keyword argument ${pythonRepr(extra)}` : null;
}

function noSignature(def: NativeFunction, activity: Activity): string {
  return (
    `${def.module}.${def.func} takes no keyword arguments, so a python provider cannot call it (the reference fails ` +
    `with ValueError: no signature found for builtin <built-in function ${def.func}>) in activity '${activity.name}'`
  );
}

// ---- run: run_python_activity -----------------------------------------------------------------------------------

/** Runs the activity as run_python_activity would call the Python function; failures are ActivityFailed "ExcType: msg". */
export async function runNative(def: NativeFunction, activity: Activity, ctx: ProviderContext): Promise<unknown> {
  const provider = activity.provider as PythonProvider;
  // These three fail in the reference before the function is called, outside its try: the run aborts.
  if (def.parameters === null) throw new ChaosError(noSignature(def, activity));
  const raw = 'arguments' in provider ? provider.arguments : {};
  if (!isPlainObject(raw)) throw new ChaosError(`python activity '${activity.name}': arguments must be a mapping`);
  const scopes = 'secrets' in provider && hasParameter(def, 'secrets') ? iterate(provider.secrets, activity) : null;

  const { configuration, secrets } = ctx;
  let args: Record<string, unknown> = { ...raw };
  if (pythonTruthy(configuration) || pythonTruthy(secrets)) args = substitute(args, configuration, secrets);
  let flat: Record<string, unknown> = {};
  if (scopes) {
    for (const s of scopes) {
      const scope = secrets?.[s];
      if (isPlainObject(scope)) flat = { ...flat, ...scope };
    }
    args.secrets = flat;
  }
  if (hasParameter(def, 'configuration')) args.configuration = { ...configuration };

  try {
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
    const bound = callBind(def, args);
    return await def.run(bound, { configuration, secrets: flat, signal: ctx.signal, ledger: ctx.ledger });
  } catch (err) {
    if (ctx.signal?.aborted) throw abortReason(ctx.signal);
    if (err instanceof PythonException) throw new ActivityFailed(err.format());
    if (err instanceof ChaosError) throw err;
    // any exception fails the activity, as in the reference
    const e = err as Error;
    throw new ActivityFailed(pythonStrip(`${e?.name ?? 'Exception'}: ${e?.message ?? String(err)}`));
  }
}

/** `for s in provider["secrets"]`: a list, or the characters of a string, or the keys of a mapping. */
function iterate(v: unknown, activity: Activity): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return Array.from(v);
  if (isPlainObject(v)) return Object.keys(v);
  throw new ChaosError(`python activity '${activity.name}': provider secrets must be a list of secret scope names`);
}

/** Calling func(**args): the TypeError Python raises for arguments that do not fit, else the bound arguments. */
function callBind(def: NativeFunction, args: Record<string, unknown>): Record<string, unknown> {
  const parameters = def.parameters!;
  const named = parameters.filter((p) => p.kind !== 'var_keyword');
  const varKeyword = parameters.find((p) => p.kind === 'var_keyword');
  const fail = (msg: string) => new PythonException('TypeError', msg);
  const known = new Set(named.map((p) => p.name));

  if (def.builtin) {
    // Argument Clinic: each parameter in order, then the first keyword it does not know
    named.forEach((p, i) => {
      if (p.required && !Object.hasOwn(args, p.name)) throw fail(`${def.func}() missing required argument '${p.name}' (pos ${i + 1})`);
    });
    const extra = Object.keys(args).find((k) => !known.has(k));
    if (extra !== undefined) throw fail(`${pythonRepr(extra)} is an invalid keyword argument for ${def.func}()`);
  } else {
    // CPython: the first unknown keyword, then missing positional, then missing keyword-only parameters
    const extra = Object.keys(args).find((k) => !known.has(k));
    if (extra !== undefined && !varKeyword) throw fail(`${def.func}() got an unexpected keyword argument ${pythonRepr(extra)}`);
    for (const kind of ['positional', 'keyword-only'] as const) {
      const missing = named.filter((p) => (p.kind === 'keyword_only') === (kind === 'keyword-only') && p.required && !Object.hasOwn(args, p.name));
      if (missing.length) {
        const s = missing.length > 1 ? 's' : '';
        throw fail(`${def.func}() missing ${missing.length} required ${kind} argument${s}: ${nameList(missing.map((p) => p.name))}`);
      }
    }
  }

  const bound: Record<string, unknown> = {};
  for (const p of named) bound[p.name] = Object.hasOwn(args, p.name) ? args[p.name] : p.default;
  if (varKeyword) bound[varKeyword.name] = Object.fromEntries(Object.entries(args).filter(([k]) => !known.has(k)));
  return bound;
}

/** 'a'; 'a' and 'b'; 'a', 'b', and 'c' */
function nameList(names: string[]): string {
  const quoted = names.map((n) => pythonRepr(n));
  if (quoted.length === 1) return quoted[0]!;
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}
