// Experiment validation: every rule of chaoslib's ensure_experiment_is_valid, but reporting all problems at once,
// each with its JSON path. Structure comes from the schema (schema/experiment.ts); this file adds what needs the
// whole experiment or the outside world: configuration and secrets loading, refs, provider checks, deprecation
// warnings and control references.
import { ChaosError, InvalidExperiment, type Problem } from '../errors.ts';
import { getProvider } from '../providers/registry.ts';
import { getControlValidator } from './control-validation.ts';
import { loadConfiguration } from './configuration.ts';
import { pythonStrip } from '../python/values.ts';
import { checkDocument } from './schema/check.ts';
import { experimentSchema } from './schema/experiment.ts';
import { isFalsy, isObject, own } from './schema/vocabulary.ts';
import { loadSecrets } from './secrets.ts';
import type { Activity, Configuration, JsonPath } from './types.ts';

export interface ValidationResult {
  problems: Problem[];
  warnings: Problem[];
}

const DEPRECATED_DICT_ARGS =
  'Process arguments should now be a list to keep the ordering of the arguments. Dictionary arguments are ' +
  'deprecated for process activities.';
const DEPRECATED_VAULT_MISSING_PATH =
  'Vault secrets must now specify the `path` property. The `key` property is now a key of a Vault secret rather ' +
  "than the actual path. For instance: {'my-key': {'type': 'vault', 'key': 'foo'}} now becomes: " +
  "{'my-key': {'type': 'vault', 'path': 'foo'}}";

type Obj = Record<string, unknown>;
interface Located {
  value: Obj;
  path: JsonPath;
}

/** Every rule of the reference, reporting ALL problems (not just the first), each with its JSON path. */
export async function validateExperiment(experiment: unknown, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<ValidationResult> {
  const { problems, warnings } = checkDocument(experimentSchema(), experiment);
  if (!isObject(experiment) || isFalsy(experiment)) return { problems, warnings };
  const e = experiment;
  const clean = (path: JsonPath) => !problems.some((p) => startsWith(p.path, path));

  if (clean(['configuration']) && clean(['secrets'])) loadDeclarations(e, opts.env, problems);
  problems.push(...(await toleranceSyntax(e, clean)));
  checkMethodRefs(e, problems);

  const activities = activitiesOf(e);
  for (const probe of listOf(e, ['steady-state-hypothesis', 'probes'])) {
    const tolerance = own(probe.value, 'tolerance');
    if (isObject(tolerance) && tolerance.type === 'probe') activities.push({ value: tolerance, path: [...probe.path, 'tolerance'] });
  }
  for (const a of activities) {
    if (own(a.value, 'ref') !== undefined && own(a.value, 'ref') !== null) continue;
    if (!clean(a.path)) continue;
    problems.push(...(await providerProblems(a)));
  }

  warnings.push(...deprecations(e));
  const controls = declaredControls(e);
  checkControlRefs(controls, problems);
  for (const c of controls) {
    const provider = own(c.value, 'provider');
    const type = isObject(provider) ? own(provider, 'type') : undefined;
    const validate = typeof type === 'string' && !Object.hasOwn(c.value, 'ref') && clean(c.path) ? getControlValidator(type) : undefined;
    if (!validate) continue;
    const verdict = await validate(c.value, c.path);
    problems.push(...verdict.problems);
    warnings.push(...verdict.warnings);
  }
  return { problems: inReferenceOrder(problems), warnings };
}

/** Configuration then secrets, as the reference loads them during validation (env variables must be set). */
function loadDeclarations(e: Obj, env: NodeJS.ProcessEnv | undefined, problems: Problem[]): void {
  let configuration: Configuration;
  try {
    configuration = loadConfiguration(own(e, 'configuration') as Obj | undefined, { env });
  } catch (err) {
    problems.push(...problemsOf(err, ['configuration']));
    // secrets may depend on configuration (vault), so they are not loaded on top of a broken one
    return;
  }
  try {
    loadSecrets(own(e, 'secrets') as Obj | undefined, configuration, { env });
  } catch (err) {
    problems.push(...problemsOf(err, ['secrets']));
  }
}

function problemsOf(err: unknown, path: JsonPath): Problem[] {
  if (err instanceof InvalidExperiment) return err.problems;
  if (err instanceof ChaosError) return [{ message: err.message, path }];
  throw err;
}

/**
 * Regex patterns must compile and JSON paths parse, as the reference checks them (raw, before substitution). The
 * engine's Python-regex and jsonpath2 parsers are loaded only for experiments that use these tolerances.
 */
async function toleranceSyntax(e: Obj, clean: (path: JsonPath) => boolean): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const probe of listOf(e, ['steady-state-hypothesis', 'probes'])) {
    const tolerance = own(probe.value, 'tolerance');
    const at = [...probe.path, 'tolerance'];
    if (!isObject(tolerance) || !clean(at)) continue;
    if (tolerance.type === 'regex') {
      const pattern = tolerance.pattern as string;
      const { compilePythonRegex, RegexPatternError } = await import('../python/regex.ts');
      try {
        compilePythonRegex(pattern);
      } catch (err) {
        if (!(err instanceof RegexPatternError)) throw err;
        // a pattern Python accepts but the JS engine cannot run is reported in the engine's own words
        // chaoslib prints re.error.msg, without the position str(re.error) appends
        const reason = err.reason.replace(/ at position \d+( \(line \d+, column \d+\))?$/, '');
        const message = reason.startsWith('uses ') ? err.message : `hypothesis probe tolerance pattern ${pattern} seems invalid: ${reason}`;
        problems.push({ message, path: [...at, 'pattern'] });
      }
    } else if (tolerance.type === 'jsonpath') {
      const path = pythonStrip(tolerance.path as string);
      const { parseJsonPath, JsonPathError } = await import('../python/jsonpath2.ts');
      try {
        parseJsonPath(path);
      } catch (err) {
        if (!(err instanceof JsonPathError)) throw err;
        problems.push({ message: `hypothesis probe tolerance JSON path ${path} is invalid`, path: [...at, 'path'] });
      }
    }
  }
  return problems;
}

/** Method refs must name an activity of the method or the hypothesis (rollback refs are not checked, as chaoslib). */
function checkMethodRefs(e: Obj, problems: Problem[]): void {
  const names = new Set<unknown>();
  for (const a of [...listOf(e, ['method']), ...listOf(e, ['steady-state-hypothesis', 'probes'])]) {
    const name = own(a.value, 'name');
    if (!isFalsy(name)) names.add(name);
  }
  for (const a of listOf(e, ['method'])) {
    const ref = own(a.value, 'ref');
    if (typeof ref === 'string' && ref !== '' && !names.has(ref)) {
      problems.push({ message: `referenced activity '${ref}' could not be found in the experiment`, path: [...a.path, 'ref'] });
    }
  }
}

/** The outside-world checks of the activity's provider type (e.g. the process binary exists). */
async function providerProblems(a: Located): Promise<Problem[]> {
  const provider = own(a.value, 'provider');
  const type = isObject(provider) ? own(provider, 'type') : undefined;
  const validate = typeof type === 'string' ? getProvider(type)?.validate : undefined;
  if (!validate) return [];
  try {
    return await validate(a.value as unknown as Activity, a.path);
  } catch (err) {
    if (err instanceof ChaosError) return problemsOf(err, a.path);
    // a provider check that breaks on odd input must not take validation down with it
    const message = `the ${type} provider could not check activity '${String(own(a.value, 'name'))}': ${(err as Error)?.message ?? String(err)}`;
    return [{ message, path: a.path }];
  }
}

function deprecations(e: Obj): Problem[] {
  const warnings: Problem[] = [];
  // chaoslib warns once about dict arguments, and for each vault secret without path
  const dictArgs = activitiesOf(e).find((a) => {
    const provider = own(a.value, 'provider');
    return isObject(provider) && provider.type === 'process' && isObject(own(provider, 'arguments'));
  });
  if (dictArgs) warnings.push({ message: DEPRECATED_DICT_ARGS, path: [...dictArgs.path, 'provider', 'arguments'] });
  const secrets = own(e, 'secrets');
  if (isObject(secrets)) {
    for (const [scope, keys] of Object.entries(secrets)) {
      if (!isObject(keys)) continue;
      for (const [key, value] of Object.entries(keys)) {
        if (isObject(value) && value.type === 'vault' && Object.hasOwn(value, 'key') && !Object.hasOwn(value, 'path')) {
          warnings.push({ message: DEPRECATED_VAULT_MISSING_PATH, path: ['secrets', scope, key] });
        }
      }
    }
  }
  return warnings;
}

/** Every control the experiment declares, as chaoslib's get_controls: experiment, hypothesis, then activities. */
function declaredControls(e: Obj): Located[] {
  const declared: Located[] = [...listOf(e, ['controls']), ...listOf(e, ['steady-state-hypothesis', 'controls'])];
  for (const a of activitiesOf(e)) declared.push(...listOf(a.value, ['controls']).map((c) => ({ value: c.value, path: [...a.path, ...c.path] })));
  return declared;
}

/** Control refs resolve against every named control declared in the experiment (the message is literal). */
function checkControlRefs(declared: Located[], problems: Problem[]): void {
  const names = new Set(declared.filter((c) => !Object.hasOwn(c.value, 'ref') && Object.hasOwn(c.value, 'name')).map((c) => c.value.name));
  for (const c of declared) {
    if (Object.hasOwn(c.value, 'ref') && !names.has(c.value.ref)) {
      problems.push({ message: "Control reference '{}' declaration cannot be found", path: [...c.path, 'ref'] });
    }
  }
}

/** Hypothesis probes, method and rollbacks, as chaoslib's get_all_activities_in_experiment. */
function activitiesOf(e: Obj): Located[] {
  return [...listOf(e, ['steady-state-hypothesis', 'probes']), ...listOf(e, ['method']), ...listOf(e, ['rollbacks'])];
}

/** The mapping items of the list at `path` (anything else was already reported by the structural checks). */
function listOf(root: Obj, path: string[]): Located[] {
  let v: unknown = root;
  for (const key of path) v = isObject(v) ? own(v, key) : undefined;
  if (!Array.isArray(v)) return [];
  return v.flatMap((item, i) => (isObject(item) ? [{ value: item, path: [...path, i] }] : []));
}

function startsWith(path: JsonPath, prefix: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

const SECTIONS = ['title', 'description', 'tags', 'extensions', 'configuration', 'secrets', 'steady-state-hypothesis', 'method', 'rollbacks', 'controls'];

/** The order chaoslib checks in (section, then item index); the sort is stable within an item. */
function inReferenceOrder(problems: Problem[]): Problem[] {
  const rank = (p: Problem) => {
    const i = p.path.length ? SECTIONS.indexOf(String(p.path[0])) : -1;
    return i === -1 && p.path.length ? SECTIONS.length : i;
  };
  const index = (p: Problem) => (typeof p.path[1] === 'number' ? p.path[1] : -1);
  return problems
    .map((p, order) => ({ p, order }))
    .sort((a, b) => rank(a.p) - rank(b.p) || index(a.p) - index(b.p) || a.order - b.order)
    .map(({ p }) => p);
}
