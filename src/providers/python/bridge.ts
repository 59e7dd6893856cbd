// The Python bridge: runs Chaos Toolkit Python extensions (activities, controls, discovery) in a long-lived worker
// process per interpreter, with chaoslib's argument rules and outcomes. The worker starts on first use, serves every
// later call, and is replaced by a fresh one when it crashed or was killed because its call was interrupted.
import { ActivityFailed, ChaosError, InterruptExecution, type Problem } from '../../errors.ts';
import { Interrupted } from '../../engine/interruption.ts';
import type { ControlModule } from '../../engine/control-modules.ts';
import { isPlainObject, pythonStr } from '../../python/values.ts';
import { substitute } from '../../experiment/substitute.ts';
import type { Activity, JsonPath, PythonProvider, Secrets } from '../../experiment/types.ts';
import { log } from '../../log.ts';
import type { ProviderContext } from '../registry.ts';
import { findInterpreter } from './interpreter.ts';
import { PythonWorker, type Reply, WorkerGone } from './worker-process.ts';
import { syncInto } from './wire.ts';

export interface PythonBridge {
  /** the interpreter's path */
  readonly interpreter: string;
  /** chaoslib's validate_python_activity; null = the module is not importable by this interpreter */
  validate(activity: Activity, path: JsonPath): Promise<Problem[] | null>;
  /** chaoslib's run_python_activity; throws ActivityFailed (the function raised), ChaosError, or Interrupted */
  run(activity: Activity, ctx: ProviderContext): Promise<unknown>;
  /** a Python control module's hooks in the engine's shape (one object argument), or null when not importable */
  loadControl(module: string): Promise<ControlModule | null>;
  /**
   * chaoslib's validate_python_control: null when the module does not import (the reference only warns), else the
   * message of the module's own `validate_control(control)` when it rejects the declaration, or '' when it accepts it
   */
  validateControl(module: string, control: Record<string, unknown>): Promise<string | null>;
  /** the `discover()` of an installed extension (chaoslib.discovery.discover, without installing) */
  discover(distribution: string, opts?: { discoverSystem?: boolean }): Promise<Record<string, unknown>>;
  /** stops the worker (it would also end by itself when Turbulence exits) */
  stop(): Promise<void>;
}

const bridges = new Map<string, Bridge>();

/** The bridge for the configured interpreter, or null when there is none (pythonUnavailable() says why). */
export function getBridge(): PythonBridge | null {
  const found = findInterpreter();
  if ('missing' in found) return null;
  let bridge = bridges.get(found.path);
  if (!bridge) bridges.set(found.path, (bridge = new Bridge(found.path)));
  return bridge;
}

/** Why getBridge() gives null, naming what to install or set; null when an interpreter is there. */
export function pythonUnavailable(): string | null {
  const found = findInterpreter();
  return 'missing' in found ? found.missing : null;
}

/** Stops every worker (for embedders and tests; the CLI lets them end with the process). */
export async function stopBridges(): Promise<void> {
  await Promise.all([...bridges.values()].map((b) => b.stop()));
}

/** A Python control module through the bridge; null when there is no interpreter or the module does not import. */
export async function loadPythonControl(module: string): Promise<ControlModule | null> {
  const bridge = getBridge();
  if (!bridge) {
    log.debug(`Control module '${module}' needs Python: ${pythonUnavailable()}`);
    return null;
  }
  return bridge.loadControl(module);
}

/** What chaoslib hands a hook only if its signature names it (the worker says which ones each hook names). */
const HOOK_EXTRAS = new Set(['context', 'state', 'experiment', 'configuration', 'secrets', 'extensions', 'settings', 'event_registry']);

class Bridge implements PythonBridge {
  private worker: PythonWorker | null = null;
  /** per module+function, whether it takes `configuration` / `secrets`: they are sent only then */
  private wants = new Map<string, { configuration: boolean; secrets: boolean }>();
  /**
   * Validation replies per module, function and argument names (all a reply depends on): experiments call the
   * same functions many times, and one round trip each would cost more than the check.
   */
  private validated = new Map<string, Reply>();

  constructor(readonly interpreter: string) {}

  async validate(activity: Activity, path: JsonPath): Promise<Problem[] | null> {
    const { module, func, arguments: args } = activity.provider as PythonProvider;
    // the structural rules say so too; chaoslib checks these first
    if (typeof module !== 'string' || !module) return [{ message: 'a Python activity must have a module path', path: [...path, 'provider'] }];
    if (typeof func !== 'string' || !func) return [{ message: 'a Python activity must have a function name', path: [...path, 'provider'] }];
    const argumentNames = isPlainObject(args) ? Object.keys(args) : [];
    const key = JSON.stringify([module, func, argumentNames]);
    let reply = this.validated.get(key);
    if (!reply) {
      reply = await this.request({ op: 'validate', module, func, argumentNames }, `importing '${module}'`);
      this.validated.set(key, reply);
    }
    if (reply.importable === false) {
      log.debug(`Python module '${module}' cannot be imported by ${this.interpreter}: ${reply.reason}`);
      return null;
    }
    const at = (...rest: JsonPath) => [...path, ...rest];
    if (typeof reply.importFailed === 'string') {
      const message = `could not import Python module '${module}' in activity '${activity.name}': ${reply.importFailed}`;
      return [{ message, path: at('provider', 'module') }];
    }
    if (reply.found === false) {
      const message = `The python module '${module}' does not expose a function called '${func}' in ${activity.type} '${activity.name}'`;
      return [{ message, path: at('provider', 'func') }];
    }
    if (typeof reply.fatal === 'string') throw new ChaosError(reply.fatal);
    return (reply.problems as { message: string; at: JsonPath }[]).map((p) => ({ message: p.message, path: at(...p.at) }));
  }

  /** Not async: one promise between the worker's answer and the caller (see `send`). */
  run(activity: Activity, ctx: ProviderContext): Promise<unknown> {
    const p = activity.provider as PythonProvider;
    const { configuration, secrets, signal } = ctx;
    const key = `${p.module}\0${p.func}`;
    const message: Record<string, unknown> = { op: 'run', module: p.module, func: p.func };
    try {
      let args = p.arguments ?? {};
      // as chaoslib: no substitution at all without configuration or secrets (so `$$` stays `$$`)
      if (Object.keys(configuration).length || Object.keys(secrets).length) args = substitute(args, configuration, secrets);
      message.arguments = args;
      const wants = this.wants.get(key);
      if (!wants || wants.configuration) message.configuration = configuration;
      if ('secrets' in p && (!wants || wants.secrets)) message.secrets = listedScopes(secrets, p.secrets);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.send(message, signal).then(
      (reply) => {
        if (Array.isArray(reply.wants)) {
          this.wants.set(key, { configuration: reply.wants.includes('configuration'), secrets: reply.wants.includes('secrets') });
        }
        if ('value' in reply) return reply.value;
        if (typeof reply.error === 'string') throw new ActivityFailed(reply.error);
        throw baseException(reply);
      },
      (err) => {
        // a crash while running the function is that activity's failure; an interpreter that cannot start is not
        if (err instanceof WorkerGone) {
          const message = `${err.message} while running ${p.module}.${p.func}`;
          throw err.unusable ? new ChaosError(message) : new ActivityFailed(message);
        }
        throw asActivityOutcome(err);
      },
    );
  }

  async loadControl(module: string): Promise<ControlModule | null> {
    let reply: Reply;
    try {
      reply = await this.request({ op: 'loadControl', module }, `importing control module '${module}'`);
    } catch (err) {
      log.debug(`Control module '${module}' could not be loaded: ${(err as Error).message}`);
      return null;
    }
    if (reply.importable === false) {
      log.debug(`Control module '${module}' cannot be imported by ${this.interpreter}: ${reply.reason}`);
      return null;
    }
    const hooks: ControlModule = {};
    for (const [hook, extras] of Object.entries(reply.hooks as Record<string, string[]>)) {
      hooks[hook] = (args) => this.callHook(module, hook, extras, args);
    }
    return hooks;
  }

  async validateControl(module: string, control: Record<string, unknown>): Promise<string | null> {
    const reply = await this.request({ op: 'validateControl', module, control }, `validating control module '${module}'`);
    if (reply.importable === false) {
      log.debug(`Control module '${module}' cannot be imported by ${this.interpreter}: ${reply.reason}`);
      return null;
    }
    if (typeof reply.invalid === 'string') return reply.invalid;
    if (reply.ok) return '';
    throw baseException(reply);
  }

  async discover(distribution: string, opts: { discoverSystem?: boolean } = {}): Promise<Record<string, unknown>> {
    const reply = await this.request(
      { op: 'discover', package: distribution, discoverSystem: opts.discoverSystem ?? true },
      `discovering '${distribution}'`,
    );
    if (typeof reply.failed === 'string') throw new ChaosError(reply.failed);
    if ('value' in reply) return reply.value as Record<string, unknown>;
    throw baseException(reply);
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.close();
  }

  /**
   * One hook call, as chaoslib's apply_python_control / initialize_control / cleanup_control: the control's
   * arguments, `context` (not for configure and cleanup), and the extras the hook's signature names. Mappings and
   * lists chaoslib shares by reference come back, so the hook's changes reach the run (bypass sets `dry`, a
   * control adds journal keys or configuration).
   */
  private async callHook(module: string, hook: string, extras: string[], args: Record<string, unknown>): Promise<void> {
    const kwargs: Record<string, unknown> = {};
    if (hook !== 'cleanup_control') {
      for (const [k, v] of Object.entries(args)) if (!HOOK_EXTRAS.has(k)) kwargs[k] = v;
      if (hook !== 'configure_control') kwargs.context = args.context ?? null;
      for (const k of extras) kwargs[k] = args[k] ?? null;
    }
    // at experiment, method and rollback level the context is the experiment: one object in Python too
    const contextIsExperiment = 'experiment' in kwargs && kwargs.context !== null && kwargs.context === kwargs.experiment;
    if (contextIsExperiment) delete kwargs.context;
    const reply = await this.request({ op: 'control', module, hook, kwargs, contextIsExperiment }, `calling ${module}.${hook}`);
    for (const [k, v] of Object.entries((reply.shared as Record<string, unknown>) ?? {})) syncInto(args[k], v);
    if (reply.ok) return;
    if (typeof reply.interrupt === 'string') throw new InterruptExecution(reply.interrupt);
    if (typeof reply.error === 'string') throw new ChaosError(reply.error);
    throw baseException(reply);
  }

  /** A request; a WorkerGone says what was being done. */
  private request(message: Record<string, unknown>, doing: string, signal?: AbortSignal): Promise<Reply> {
    return this.send(message, signal).catch((err) => {
      throw err instanceof WorkerGone ? new WorkerGone(`${err.message} while ${doing}`, err.unusable) : err;
    });
  }

  /**
   * The worker's own promise, on a live worker (a new one after a crash or an interruption). Calls pass through
   * without a promise of their own: each one costs, the more so while the run tracks async context for the ledger.
   */
  private send(message: Record<string, unknown>, signal?: AbortSignal): Promise<Reply> {
    try {
      if (!this.worker || this.worker.gone || this.worker.retiring) {
        this.worker = new PythonWorker(this.interpreter);
        this.wants.clear();
        this.validated.clear();
      }
      return this.worker.request(message, signal);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

/** chaoslib passes a flat merge of the scopes the provider lists (missing scopes count as empty). */
function listedScopes(secrets: Secrets, scopes: unknown): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const scope of Array.isArray(scopes) ? scopes : []) Object.assign(merged, secrets[String(scope)] ?? {});
  return merged;
}

/**
 * An interrupted call: SIGTERM reaches a Python activity in the reference as chaoslib's InterruptExecution raised
 * inside the function, which run_python_activity turns into ActivityFailed; other interruptions pass through.
 */
function asActivityOutcome(err: unknown): unknown {
  if (err instanceof Interrupted && err.kind === 'SIGTERM') {
    return new ActivityFailed(`chaoslib.exceptions.InterruptExecution: ${err.message}`);
  }
  return err;
}

/** SystemExit and KeyboardInterrupt escape chaoslib and interrupt the run; anything else is not a failure of the activity. */
function baseException(reply: Reply): Error {
  if ('exit' in reply) {
    const code = reply.exit;
    return new Interrupted(code === 30 ? 'SIGUSR2' : 'SIGUSR1', `Received the exit signal: ${pythonStr(code)}`);
  }
  if (reply.keyboard) return new Interrupted('SIGINT', 'Received a termination signal (Ctrl-C)...');
  return new ChaosError(String(reply.fatal ?? 'the Python worker gave an answer Turbulence does not understand'));
}
