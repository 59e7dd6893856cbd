// What every chaosk8s module shares: Python signatures as driver arguments (any value binds, as chaoslib only binds
// names), the API client per call, API paths whose parameters the Python client requires, the spec files read by
// extension, and the Python model objects read off the JSON the API returns.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ActivityFailed } from '../../../errors.ts';
import { any } from '../../../experiment/schema/vocabulary.ts';
import type { Json } from '../../../experiment/types.ts';
import { pythonStr, pythonTypeName } from '../../../python/values.ts';
import { PythonException, fromSystemError } from '../../../providers/python/exceptions.ts';
import type { NativeContext } from '../../../providers/python/native.ts';
import { type DriverActivity, type DriverArgument, defineDriver, findActivity } from '../../define.ts';
import { type KubeApi, connect } from '../client.ts';
import { PORTABLE_TYPES } from '../types.ts';

/** A parameter without default (required). */
export const req = (name: string, description?: string): DriverArgument => ({ name, schema: any(description ? { description } : {}) });
/** A parameter with its Python default. */
export const opt = (name: string, value: Json, description?: string): DriverArgument => ({ name, schema: any(description ? { description } : {}), default: value });
export const secrets = opt('secrets', null);
export const configuration = opt('configuration', null);

/** create_k8s_api_client(secrets): the secrets parameter the function received (None when the provider lists none). */
export function client(args: Record<string, unknown>, _ctx?: NativeContext): Promise<KubeApi> {
  const s = args.secrets;
  return connect(s !== null && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : null);
}

/** A path parameter: str() of the value, quoted; None is the Python client's ApiValueError. */
export function seg(value: unknown, param: string, operation: string): string {
  if (value === null || value === undefined) {
    throw new PythonException('kubernetes.client.exceptions.ApiValueError', `Missing the required parameter \`${param}\` when calling \`${operation}\``);
  }
  return encodeURIComponent(pythonStr(value));
}

/** The namespace part of a namespaced path. */
export const nsPath = (ns: unknown, operation: string) => `/namespaces/${seg(ns, 'namespace', operation)}`;

/** A query value as the Python client sends it (None leaves the parameter out). */
export const q = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : pythonStr(v));

/** `obj.a.b.c` on a model: None when absent (the model's attribute defaults to None). */
export function get(obj: unknown, ...keys: string[]): any {
  let v: any = obj;
  for (const k of keys) {
    if (v === null || v === undefined) return null;
    v = v[k];
  }
  return v === undefined ? null : v;
}

export function items(list: unknown): any[] {
  return (get(list, 'items') as any[] | null) ?? [];
}

export const nameOf = (o: unknown): string => get(o, 'metadata', 'name');

/** `label_selector.format(name=name)`: AttributeError on None, as in the reference. */
export function formatSelector(selector: unknown, name: unknown): string {
  if (typeof selector !== 'string') throw new PythonException('AttributeError', `'${pythonTypeName(selector)}' object has no attribute 'format'`);
  return selector.replaceAll('{name}', pythonStr(name));
}

/** Reads the JSON or YAML spec a create_* action takes, by extension; `cannot process <path>` otherwise. */
export async function loadSpec(specPath: unknown, byLastDot = false): Promise<unknown> {
  if (typeof specPath !== 'string') throw new PythonException('TypeError', `expected str, bytes or os.PathLike object, not ${pythonTypeName(specPath)}`);
  let text: string;
  try {
    text = await readFile(specPath, 'utf8');
  } catch (err) {
    throw fromSystemError(err, specPath);
  }
  // create_ingress splits on the last dot; the others use os.path.splitext
  const ext = byLastDot ? `.${specPath.split('.').at(-1)}` : extname(specPath);
  if (ext === '.json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new PythonException('json.decoder.JSONDecodeError', (err as Error).message);
    }
  }
  if (ext === '.yml' || ext === '.yaml') return loadYaml(text, specPath);
  throw new ActivityFailed(`cannot process ${specPath}`);
}

/** yaml.safe_load */
export async function loadYaml(text: string, id: string): Promise<unknown> {
  const { parseYaml } = await import('../../../document/yaml.ts');
  try {
    return (await parseYaml(text, id)).value;
  } catch (err) {
    throw new PythonException('yaml.YAMLError', (err as Error).message);
  }
}

/** Python's `a >= b` for the numbers models hold, TypeError for None. */
export function pyGe(a: unknown, b: number): boolean {
  if (typeof a !== 'number' && typeof a !== 'boolean') throw new PythonException('TypeError', `'>=' not supported between instances of '${pythonTypeName(a)}' and 'int'`);
  return Number(a) >= b;
}

/** `==` between model values (numbers, strings, None). */
export const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

export const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * An undo call's arguments: the activity's secrets (and configuration) along, when it had some, so that the call
 * equals the rollback that reverts it (the ledger then marks the fault reverted).
 */
export function undoArgs(a: Record<string, unknown>, args: Record<string, unknown>): Record<string, Json> {
  const out: Record<string, unknown> = { ...args };
  if (a.secrets !== null && a.secrets !== undefined) out.secrets = a.secrets;
  if (a.configuration !== null && a.configuration !== undefined) out.configuration = a.configuration;
  return out as Record<string, Json>;
}

/**
 * defineDriver for the Python ports: a function that returns nothing returns None, and an ActivityFailed it raises
 * is, as any exception, wrapped by run_python_activity: the journal reads
 * "chaoslib.exceptions.ActivityFailed: chaoslib.exceptions.ActivityFailed: <message>".
 */
export function defineK8s(module: string, activities: DriverActivity[]): void {
  const types = PORTABLE_TYPES[module] ?? {};
  defineDriver(
    module,
    activities.map((a) => ({
      ...a,
      // discovery shows the Python annotations' types (none where there is no annotation)
      arguments: a.arguments.map((arg) => ({ ...arg, type: types[a.name]?.[arg.name] ?? null })),
      returns: types[a.name]?.return,
      run: async (args, ctx, plan) => {
        try {
          return (await a.run(args, ctx, plan)) ?? null;
        } catch (err) {
          if (err instanceof ActivityFailed) throw Object.assign(new PythonException('chaoslib.exceptions.ActivityFailed', err.message), { cause: err });
          throw err;
        }
      },
    })),
  );
}

/**
 * Functions a reference module imports from another, callable under its name too (chaoslib calls any attribute of
 * the module): the same definitions, left out of discovery unless the module exports them (`[name, as, listed]`).
 */
export function alias(module: string, from: string, names: (string | [string, string, boolean])[]): void {
  defineDriver(
    module,
    names.map((n) => {
      const [name, as, listed] = typeof n === 'string' ? [n, n, false] : n;
      const def = findActivity(from, name);
      if (!def) throw new Error(`${from}.${name} is not defined`);
      return { ...def, name: as, listed };
    }),
  );
}
