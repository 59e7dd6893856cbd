// Tolerances: is a hypothesis probe's output within what the experiment allows? Mirrors chaoslib's
// within_tolerance (hypothesis.py), dispatched on the tolerance's Python type, with Python comparisons throughout.
// Where the reference crashes with a TypeError (e.g. a regex or range tolerance without `target` against a
// process/http output, which is a mapping: Correction 3), this throws a ChaosError with a one-line message.
// A string tolerance is compared as given: like the reference, the caller substitutes it first (an exact "${x}"
// keeps its type, so it may arrive here as a number or a list).
import { ActivityFailed, ChaosError } from '../errors.ts';
import { isPlainObject, pythonRepr, pythonStr, pythonTruthy, pythonTypeName } from '../python/values.ts';
import { substitute } from '../experiment/substitute.ts';
import type { Activity, Configuration, Secrets } from '../experiment/types.ts';
import { log } from '../log.ts';
import { matchJsonPath, parseJsonPath } from '../python/jsonpath2.ts';
import { compareDecimal, toDecimal } from '../python/decimal.ts';
import { compilePythonRegex } from '../python/regex.ts';
import { pyCompare, pyContains, pyEquals } from '../python/compare.ts';

export interface ToleranceContext {
  configuration: Configuration;
  secrets: Secrets;
  /** runs a probe activity (for probe-as-tolerance) and returns its output; throws ActivityFailed on failure */
  runProbe: (activity: Activity) => Promise<unknown>;
}

/** True when `value` (the probe's output) is within `tolerance`. */
export async function withinTolerance(tolerance: unknown, value: unknown, ctx: ToleranceContext): Promise<boolean> {
  if (typeof tolerance === 'boolean' || typeof tolerance === 'string') return pyEquals(value, tolerance);
  if (typeof tolerance === 'number') {
    // a float tolerance has no handler in the reference (validation rejects it): never met. As elsewhere, a JS
    // number is a Python int when it is a safe integer (JSON parsing has already turned 2.0 into 2).
    if (!Number.isSafeInteger(tolerance)) return false;
    return pyEquals(hasStatus(value) ? value.status : value, tolerance);
  }
  if (Array.isArray(tolerance)) return withinList(tolerance, value);
  if (isPlainObject(tolerance)) {
    switch (tolerance.type) {
      case 'probe':
        return withinProbe(tolerance, value, ctx);
      case 'regex':
        return withinRegex(tolerance, value, ctx);
      case 'jsonpath':
        return withinJsonPath(tolerance, value, ctx);
      case 'range':
        return withinRange(tolerance, value);
    }
  }
  // None or an unknown tolerance type: the reference's fallback returns None
  return false;
}

function hasStatus(v: unknown): v is { status: unknown } {
  return isPlainObject(v) && Object.hasOwn(v, 'status');
}

/** A process/http output is a mapping with `status`, so there a list is always membership (Correction 3). */
function withinList(tolerance: unknown[], value: unknown): boolean {
  if (hasStatus(value)) return pyContains(tolerance, value.status);
  if (tolerance.length !== 2) return pyContains(tolerance, value);
  try {
    return pyCompare(tolerance[0], '<=', value) && pyCompare(value, '<=', tolerance[1]);
  } catch (e) {
    const why = (e as Error).message;
    throw new ChaosError(`tolerance ${pythonRepr(tolerance)} (a range) cannot be compared with the probe's output ${preview(value)}: ${why}`);
  }
}

/**
 * Runs the tolerance probe with the output as its `value` argument (set in place, as the reference does, so the
 * journal shows it); met when it returns a truthy result without failing.
 */
async function withinProbe(tolerance: Record<string, unknown>, value: unknown, ctx: ToleranceContext): Promise<boolean> {
  const provider = tolerance.provider;
  const args = isPlainObject(provider) ? provider.arguments : undefined;
  if (!isPlainObject(args)) {
    const name = pythonStr(tolerance.name);
    throw new ChaosError(`probe tolerance '${name}' needs provider arguments as a mapping, to receive the probe's output as 'value'`);
  }
  args.value = value;
  try {
    return pythonTruthy(await ctx.runProbe(tolerance as unknown as Activity));
  } catch (e) {
    if (e instanceof ActivityFailed) return false;
    throw e;
  }
}

function withinRegex(tolerance: Record<string, unknown>, value: unknown, ctx: ToleranceContext): boolean {
  const pattern = substitute(tolerance.pattern, ctx.configuration, ctx.secrets);
  log.debug(`Applied pattern is: ${pythonStr(pattern)}`);
  if (typeof pattern !== 'string') {
    throw new ChaosError(`regex tolerance pattern ${pythonStr(pattern)} has an invalid type: a string is needed`);
  }
  const rx = compilePythonRegex(pattern);
  const subject = pythonTruthy(tolerance.target) ? pickTarget('regex', value, tolerance.target) : value;
  if (typeof subject !== 'string') throw notA('a string to search', 'regex', subject, tolerance.target);
  return rx.test(subject);
}

function withinJsonPath(tolerance: Record<string, unknown>, value: unknown, ctx: ToleranceContext): boolean {
  const path = substitute(tolerance.path, ctx.configuration, ctx.secrets);
  log.debug(`Applied jsonpath is: ${pythonStr(path)}`);
  if (typeof path !== 'string') {
    throw new ChaosError(`jsonpath tolerance path ${pythonStr(path)} has an invalid type: a string is needed`);
  }
  const compiled = parseJsonPath(path);
  let document = pythonTruthy(tolerance.target) ? pickTarget('jsonpath', value, tolerance.target) : value;
  if (document instanceof Uint8Array) document = decodeUtf8(document);
  if (typeof document === 'string') {
    const decoded = jsonLoads(document);
    if (decoded) document = decoded.value;
  }

  const values = matchJsonPath(compiled, document);
  let result = values.length > 0;
  const count = tolerance.count;
  if (count !== undefined && count !== null) result = pyEquals(values.length, count);
  let expect = tolerance.expect;
  if ('expect' in tolerance) {
    expect = substitute(expect, ctx.configuration, ctx.secrets);
    result = pyEquals(values, Array.isArray(expect) ? expect : [expect]);
  }
  if (!result) {
    const found = `jsonpath found '${pythonStr(values)}'`;
    log.debug(pythonTruthy(expect) ? `${found} but expected '${pythonStr(expect)}'` : found);
  }
  return result;
}

/** `lo <= Decimal(v) <= hi`, exactly as decimal.Decimal compares (a float bound is its exact binary value). */
function withinRange(tolerance: Record<string, unknown>, value: unknown): boolean {
  const subject = pythonTruthy(tolerance.target) ? pickTarget('range', value, tolerance.target) : value;
  if (isPlainObject(subject) || Array.isArray(subject) || subject === null || subject === undefined) {
    throw notA('a number', 'range', subject, tolerance.target);
  }
  let v;
  try {
    v = toDecimal(subject);
  } catch (e) {
    throw new ChaosError(`range tolerance: ${(e as Error).message}`);
  }
  if (v === null) {
    log.debug('range check expects a number value');
    return false;
  }
  const range = tolerance.range;
  if (!Array.isArray(range) || range.length < 2) {
    throw new ChaosError(`range tolerance needs "range": [lower, upper], not ${pythonRepr(range)}`);
  }
  return compareDecimal(bound(range[0]), v) <= 0 && compareDecimal(v, bound(range[1])) <= 0;
}

function bound(v: unknown) {
  const d = toDecimal(v);
  if (d === null) throw new ChaosError(`range tolerance bound ${pythonRepr(v)} is not a number`);
  return d;
}

/** `value.get(target, value)`: the target key's value, or the whole output when the key is missing. */
function pickTarget(kind: string, value: unknown, target: unknown): unknown {
  if (!isPlainObject(value)) {
    const type = article(pythonTypeName(value));
    throw new ChaosError(`${kind} tolerance has target ${pythonRepr(target)} but the probe's output is ${type}, not a mapping`);
  }
  if (Array.isArray(target) || isPlainObject(target)) {
    const type = article(pythonTypeName(target));
    throw new ChaosError(`${kind} tolerance target must be a key of the probe's output, not ${type}`);
  }
  return typeof target === 'string' && Object.hasOwn(value, target) ? value[target] : value;
}

/** The error where the reference would crash on the wrong type of value. */
function notA(what: string, kind: string, subject: unknown, target: unknown): ChaosError {
  if (isPlainObject(subject)) {
    const keys = Object.keys(subject).join(', ');
    const fix = pythonTruthy(target)
      ? `its target ${pythonRepr(target)} is not one of its keys (${keys})`
      : `set "target" to one of its keys (${keys})`;
    return new ChaosError(`${kind} tolerance needs ${what} but the probe's output is a mapping: ${fix}`);
  }
  const type = article(pythonTypeName(subject));
  return new ChaosError(`${kind} tolerance needs ${what} but the probe's output is ${type}: ${preview(subject)}`);
}

function article(typeName: string): string {
  return typeName === 'NoneType' ? 'None' : `${/^[aeiou]/.test(typeName) ? 'an' : 'a'} ${typeName}`;
}

function preview(v: unknown): string {
  const s = pythonRepr(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ChaosError("jsonpath tolerance: the probe's output is bytes that are not valid UTF-8");
  }
}

/**
 * Python's json.loads, or undefined when it would raise: JSON.parse plus Python's NaN, Infinity and -Infinity.
 * The wrapper keeps a decoded null apart from a failure.
 */
function jsonLoads(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    // rewrite the non-standard constants outside strings into marked strings, then turn them back into numbers
    const marker = `\u0000py-json-${Math.random()}:`;
    let changed = false;
    const constant = /"(?:[^"\\]|\\.)*"|(-?)(NaN|Infinity)\b/g;
    const rewritten = text.replace(constant, (m, sign: string | undefined, word: string | undefined) => {
      if (!word || (sign && word === 'NaN')) return m;
      changed = true;
      return JSON.stringify(marker + sign + word);
    });
    if (!changed) return undefined;
    try {
      const revive = (_k: string, v: unknown) => (typeof v === 'string' && v.startsWith(marker) ? Number(v.slice(marker.length)) : v);
      return { value: JSON.parse(rewritten, revive) };
    } catch {
      return undefined;
    }
  }
}
