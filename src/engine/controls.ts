// Controls: lifecycle hooks around each level of a run, merged exactly as chaoslib merges them (quirks included:
// top-level controls are inserted once per existing entry, and globals are dropped at method and rollback levels).
import { InterruptExecution } from '../errors.ts';
import { substitute } from '../experiment/substitute.ts';
import type { Activity, Configuration, Control, Experiment, Secrets } from '../experiment/types.ts';
import { log } from '../log.ts';
import type { Settings } from '../settings/settings.ts';
import { type ControlRun, loadControlModule } from './control-modules.ts';
import { Interrupted, type Interruption } from './interruption.ts';

export type ControlLevel = 'experiment' | 'hypothesis' | 'method' | 'rollback' | 'activity' | 'loader';
export type ControlScope = 'before' | 'after';

const HOOK: Record<`${ControlLevel}-${ControlScope}`, string> = {
  'experiment-before': 'before_experiment_control',
  'experiment-after': 'after_experiment_control',
  'hypothesis-before': 'before_hypothesis_control',
  'hypothesis-after': 'after_hypothesis_control',
  'method-before': 'before_method_control',
  'method-after': 'after_method_control',
  'rollback-before': 'before_rollback_control',
  'rollback-after': 'after_rollback_control',
  'activity-before': 'before_activity_control',
  'activity-after': 'after_activity_control',
  'loader-before': 'before_loading_experiment_control',
  'loader-after': 'after_loading_experiment_control',
};

const clone = <T>(v: T): T => structuredClone(v);
const automatic = (c: Control) => c.automatic !== false;

/** Every control declared in the experiment: top level, hypothesis, then each activity's. */
export function experimentControls(experiment: Experiment): Control[] {
  const out: Control[] = [...(experiment.controls ?? [])];
  const hypo = experiment['steady-state-hypothesis'];
  out.push(...(hypo?.controls ?? []));
  const activities = [...(hypo?.probes ?? []), ...(experiment.method ?? []), ...(experiment.rollbacks ?? [])];
  for (const a of activities) out.push(...(((a as Activity).controls as Control[] | undefined) ?? []));
  return out;
}

/** chaoslib's get_context_controls, to the letter. */
export function contextControls(
  level: ControlLevel,
  globals: Control[],
  experiment: Experiment | undefined,
  context: { controls?: Control[] } | undefined,
): Control[] {
  if (!experiment) return [...globals];
  const top = experiment.controls ?? [];
  const controls: Control[] = [...globals, ...(context?.controls ?? [])];
  if (top.length === 0) return controls;
  if (controls.length === 0) return top.filter(automatic).map(clone);
  if (level === 'method' || level === 'rollback') return top.filter(automatic).map(clone);
  for (const c of [...controls]) {
    if (c.ref !== undefined) {
      const target = top.find((t) => t.name === c.ref);
      if (target) controls.push(clone(target));
    } else {
      for (const tc of [...top].reverse()) {
        if (c.name === tc.name) continue;
        if (level !== 'experiment' && automatic(tc)) controls.unshift(clone(tc));
      }
    }
  }
  return controls;
}

export interface ControlEnvironment {
  experiment?: Experiment;
  configuration: Configuration;
  secrets: Secrets;
  settings: Settings;
  interruption?: Interruption;
}

/** The global controls (settings + --control-file) and the calls into every control at every level. */
export class Controls {
  constructor(
    private globals: Control[],
    private env: ControlEnvironment,
  ) {}

  setEnvironment(env: Partial<ControlEnvironment>): void {
    Object.assign(this.env, env);
  }

  /**
   * Applies the controls of `level` for `scope`. Only an interruption escapes; other control errors are logged.
   * `interruptible: false` is for work beside the main flow (a safeguard's probe), which must not take the run's
   * one-shot interruption for itself.
   */
  async apply(level: ControlLevel, scope: ControlScope, context: unknown, state?: unknown, opts: { interruptible?: boolean } = {}): Promise<void> {
    const { experiment, configuration, secrets, settings } = this.env;
    const ctxControls = level === 'loader' ? undefined : (context as { controls?: Control[] });
    const controls = contextControls(level, this.globals, level === 'loader' ? undefined : experiment, ctxControls);
    if (controls.length === 0) return log.debug(`No controls to apply on '${level}'`);
    for (const control of controls) {
      if (control.scope && control.scope !== scope) continue;
      log.debug(`Applying ${scope}-control '${control.name}' on '${level}'`);
      const mod = await loadControlModule(control);
      const hook = mod?.[HOOK[`${level}-${scope}`]];
      if (typeof hook !== 'function') continue;
      let args = clone(control.provider?.arguments ?? {}) as Record<string, unknown>;
      if (Object.keys(configuration).length || Object.keys(secrets).length) args = substitute(args, configuration, secrets);
      const what = `${scope[0].toUpperCase()}${scope.slice(1)}-control '${control.name}'`;
      const call = () =>
        hook(
          { ...args, context, state, experiment, configuration, secrets, extensions: experiment?.extensions, settings },
          this.run(),
        );
      await this.call(what, call, opts.interruptible !== false);
    }
  }

  /** configure_control: globals first (a failing one is deregistered), then each experiment control once per name. */
  async configure(): Promise<void> {
    const { experiment, configuration, secrets, settings } = this.env;
    const kept: Control[] = [];
    for (const control of this.globals) {
      log.debug(`Initializing global control '${control.name}'`);
      try {
        await this.invoke(control, 'configure_control', { experiment, configuration, secrets, settings });
        kept.push(control);
      } catch (err) {
        log.debug(`Control initialization '${control.name}' failed. It will not be registered. ${(err as Error).message}`);
      }
    }
    this.globals = kept;
    if (!experiment) return;
    for (const control of uniqueByName(experimentControls(experiment))) {
      log.debug(`Initializing control '${control.name}'`);
      try {
        // chaoslib's initialize_controls has no settings to give: experiment controls get settings=None
        await this.invoke(control, 'configure_control', { experiment, configuration, secrets, settings: undefined });
      } catch (err) {
        log.debug(`Control initialization '${control.name}' failed. It will not be registered. ${(err as Error).message}`);
      }
    }
  }

  /** cleanup_control: experiment controls once per name, then the globals. Errors are logged, never raised. */
  async cleanup(): Promise<void> {
    const { experiment } = this.env;
    const all = [...(experiment ? uniqueByName(experimentControls(experiment)) : []), ...this.globals];
    for (const control of all) {
      try {
        await this.invoke(control, 'cleanup_control', {});
      } catch (err) {
        log.debug(`Control cleanup '${control.name}' failed: ${(err as Error).message}`);
      }
    }
  }

  private async invoke(control: Control, hookName: string, extra: Record<string, unknown>): Promise<void> {
    if (control.provider?.type !== 'python' && control.provider?.type !== 'javascript') return;
    const mod = await loadControlModule(control);
    const hook = mod?.[hookName];
    if (typeof hook !== 'function') return;
    const args = hookName === 'cleanup_control' ? {} : { ...clone(control.provider?.arguments ?? {}), ...extra };
    await hook(args, this.run());
  }

  private run(): ControlRun {
    return { controls: this, interruption: this.env.interruption };
  }

  private async call(what: string, fn: () => unknown, interruptible: boolean): Promise<void> {
    try {
      const result = fn();
      if (result instanceof Promise) await (interruptible && this.env.interruption ? this.env.interruption.race(result) : result);
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      if (isInterruptExecution(err)) {
        log.debug(`${what} interrupted the execution`);
        throw new Interrupted('interrupt', (err as Error).message);
      }
      log.debug(`${what} failed: ${(err as Error)?.message ?? String(err)}`);
    }
  }
}

/** A control signals an interruption by throwing an error named InterruptExecution (no import from us needed). */
function isInterruptExecution(err: unknown): boolean {
  return err instanceof InterruptExecution || (err instanceof Error && err.name === 'InterruptExecution');
}

function uniqueByName(controls: Control[]): Control[] {
  const seen = new Set<string>();
  return controls.filter((c) => {
    if (!c.name || seen.has(c.name)) return false;
    seen.add(c.name);
    return true;
  });
}
