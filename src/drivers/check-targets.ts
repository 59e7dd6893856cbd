// `--check-targets`: before anything runs, the preflight of every native driver activity in the method and the
// rollbacks, with configuration, secrets and substitution resolved as the run resolves them. Each problem carries
// the JSON path of the argument naming the target. Nothing is applied (dynamic configuration probes do run, as the
// run would run them first). The same binding serves `--dry actions`, which lists what each native action would hit.
import { ActivityFailed, ChaosError, InvalidExperiment, type Problem } from '../errors.ts';
import { loadConfiguration, loadDynamicConfiguration } from '../experiment/configuration.ts';
import { loadSecrets } from '../experiment/secrets.ts';
import { substitute } from '../experiment/substitute.ts';
import type { Activity, Configuration, Experiment, Json, JsonPath, Secrets } from '../experiment/types.ts';
import { log } from '../log.ts';
import { isPlainObject, pythonTruthy } from '../python/values.ts';
import { findNative, isNativeModule } from '../providers/python/native.ts';
import { runProvider } from '../engine/activity.ts';
import { buildRefCache } from '../engine/context.ts';
import { type DefinedActivity, TargetProblem, bindArguments, findActivity } from './define.ts';
import './index.ts';

export interface TargetCheck {
  problems: Problem[];
  /** in the rollbacks, a missing target (or one in the way) is expected before the run: the method makes it so */
  warnings: Problem[];
}

export interface CheckOptions {
  /** --var / --var-file overrides, as the run takes them */
  vars?: { configuration?: Record<string, unknown>; secrets?: Record<string, unknown> };
  env?: NodeJS.ProcessEnv;
}

export async function checkTargets(experiment: Experiment, opts: CheckOptions = {}): Promise<TargetCheck> {
  const out: TargetCheck = { problems: [], warnings: [] };
  let configuration: Configuration;
  let secrets: Secrets;
  try {
    const env = opts.env ?? process.env;
    const stat = loadConfiguration(experiment.configuration, { extraVars: opts.vars?.configuration, env });
    secrets = loadSecrets(experiment.secrets, stat, { extraVars: opts.vars?.secrets, env });
    configuration = await loadDynamicConfiguration(stat, secrets, (activity, cfg, sec) => runProvider({ configuration: cfg, secrets: sec }, activity));
  } catch (err) {
    if (err instanceof InvalidExperiment) return { ...out, problems: err.problems };
    if (err instanceof ChaosError) return { ...out, problems: [{ message: err.message, path: ['configuration'] }] };
    throw err;
  }
  const refs = buildRefCache(experiment);
  for (const section of ['method', 'rollbacks'] as const) {
    const list = experiment[section];
    if (!Array.isArray(list)) continue;
    for (const [i, item] of list.entries()) {
      const activity = isPlainObject(item) && typeof item.ref === 'string' ? refs.get(item.ref) : (item as Activity);
      if (!activity) continue; // validation reports a dangling ref
      // a ref's problems point at the ref: the activity it names may sit in the hypothesis
      const found = await check(activity, [section, i], activity !== item, configuration, secrets);
      if (!found) continue;
      const expected = section === 'rollbacks' && (found.kind === 'missing' || found.kind === 'conflict');
      (expected ? out.warnings : out.problems).push(
        expected ? { ...found.problem, message: `${found.problem.message} (unless the method creates it)` } : found.problem,
      );
    }
  }
  return out;
}

type Found = { problem: Problem; kind: TargetProblem['kind'] | 'argument' };

interface NativeCall {
  def: DefinedActivity;
  bound: NonNullable<ReturnType<typeof bindArguments>>;
  /** where the arguments sit in the experiment */
  argsAt: JsonPath;
}

/** A native driver activity's call, its arguments substituted and bound as run_python_activity binds them. */
async function nativeCall(activity: Activity, at: JsonPath, isRef: boolean, configuration: Configuration, secrets: Secrets): Promise<NativeCall | null> {
  const provider = activity.provider;
  if (!isPlainObject(provider) || provider.type !== 'python') return null;
  const { module, func } = provider as { module?: unknown; func?: unknown };
  if (typeof module !== 'string' || typeof func !== 'string' || !isNativeModule(module)) return null;
  await findNative(module, func);
  const def = findActivity(module, func);
  const given = provider.arguments ?? {};
  if (!def || !isPlainObject(given)) return null;
  const argsAt = isRef ? at : [...at, 'provider', 'arguments'];
  // substitution as run_python_activity does it
  const substituted = pythonTruthy(configuration) || pythonTruthy(secrets) ? substitute(given, configuration, secrets) : given;
  const bound = bindArguments(def, substituted, argsAt);
  if (!bound) return null; // a missing required argument: validation reports it
  return { def, bound, argsAt };
}

/** The first thing in the way of one activity, if it is a native driver activity. */
async function check(activity: Activity, at: JsonPath, isRef: boolean, configuration: Configuration, secrets: Secrets): Promise<Found | null> {
  const call = await nativeCall(activity, at, isRef, configuration, secrets);
  if (!call) return null;
  const { def, bound, argsAt } = call;
  const name = `activity '${activity.name}'`;
  if (bound.problems.length) {
    const p = bound.problems[0]!;
    return { problem: { message: `${name}: ${p.message}`, path: isRef ? at : p.path }, kind: 'argument' };
  }
  if (!def.preflight) return null;
  try {
    await def.preflight(bound.args, { configuration, secrets: {} });
    return null;
  } catch (err) {
    if (!(err instanceof ActivityFailed)) throw err;
    const path = err instanceof TargetProblem && err.argument && !isRef ? [...argsAt, err.argument] : argsAt;
    return { problem: { message: `${name}: ${err.message}`, path }, kind: err instanceof TargetProblem ? err.kind : 'argument' };
  }
}

/** What a dry run records of a native action: the targets it would hit, or why it would hit none. */
export interface DryTargets {
  targets: Record<string, Json>[];
  problem?: string;
}

/**
 * `--dry actions`: the targets a native action would hit, found by its `targets` hook without touching anything, and
 * logged; null when the activity is not a native action with such a hook.
 */
export async function dryTargets(activity: Activity, configuration: Configuration, secrets: Secrets): Promise<DryTargets | null> {
  const call = await nativeCall(activity, [], false, configuration, secrets);
  if (!call?.def.targets) return null;
  const { def, bound } = call;
  try {
    if (bound.problems.length) throw new ActivityFailed(bound.problems[0]!.message);
    const targets = await def.targets!(bound.args, { configuration, secrets: {} });
    log.info(`  would hit: ${targets.length ? targets.map(describeTarget).join('; ') : 'nothing'}`);
    if (bound.args.mode && bound.args.mode !== 'all' && bound.args.seed === null) {
      log.warning('  the choice is random and no seed is given: a real run may pick other targets');
    }
    return { targets };
  } catch (err) {
    if (!(err instanceof ActivityFailed)) throw err;
    log.warning(`  would hit nothing: ${err.message}`);
    return { targets: [], problem: err.message };
  }
}

/** One target on one line: `pid=12 name=sleep cmdline="sleep 30"`. */
function describeTarget(t: Record<string, Json>): string {
  return Object.entries(t)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/^[\w./:@-]+$/.test(v) ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}
