// Hypothesis and rollback strategies, and where they come from: settings < experiment `runtime` < CLI flags.
import { ChaosError } from '../errors.ts';
import type { Experiment } from '../experiment/types.ts';
import { log } from '../log.ts';

export type HypothesisStrategy =
  | 'default'
  | 'before-method-only'
  | 'after-method-only'
  | 'during-method-only'
  | 'continuously'
  | 'skip';

/** `default | always | never | deviated`; any other value is kept and means "never", silently (as the reference). */
export type RollbackStrategy = string;

export interface Strategies {
  hypothesis: HypothesisStrategy;
  rollbacks: RollbackStrategy;
}

const HYPOTHESIS: readonly string[] = ['default', 'before-method-only', 'after-method-only', 'during-method-only', 'continuously', 'skip'];

export function parseHypothesisStrategy(value: string): HypothesisStrategy {
  if (value === 'continously') {
    log.warning(
      'The "--hypothesis-strategy=continously" command is depreciating and will be removed in a future version. ' +
        'Instead, please use "--hypothesis-strategy=continuously"',
    );
    return 'continuously';
  }
  if (!HYPOTHESIS.includes(value)) throw new ChaosError(`unknown hypothesis strategy '${value}'`);
  return value as HypothesisStrategy;
}

type Runtime = { hypothesis?: { strategy?: unknown }; rollbacks?: { strategy?: unknown } } | undefined;

/**
 * The CLI's precedence, quirk included: an experiment `runtime` block resets BOTH strategies, defaulting the one
 * it omits, before the flags apply.
 */
export function resolveStrategies(
  settingsRuntime: Runtime,
  experiment: Experiment,
  flags: { hypothesis?: string; rollbacks?: string },
): Strategies {
  let hypothesis = String(settingsRuntime?.hypothesis?.strategy ?? 'default');
  let rollbacks = String(settingsRuntime?.rollbacks?.strategy ?? 'default');
  const runtime = experiment.runtime as Runtime;
  if (runtime && typeof runtime === 'object' && Object.keys(runtime).length > 0) {
    rollbacks = String(runtime.rollbacks?.strategy ?? 'default');
    hypothesis = String(runtime.hypothesis?.strategy ?? 'default');
  }
  if (flags.hypothesis !== undefined) hypothesis = flags.hypothesis;
  if (flags.rollbacks !== undefined) rollbacks = flags.rollbacks;
  log.debug(`Runtime strategies: hypothesis - ${hypothesis} / rollbacks - ${rollbacks}`);
  return { hypothesis: parseHypothesisStrategy(hypothesis), rollbacks };
}

export const runsBeforeMethod = (s: HypothesisStrategy) => s === 'default' || s === 'before-method-only' || s === 'continuously';
export const runsAfterMethod = (s: HypothesisStrategy) => s === 'default' || s === 'after-method-only' || s === 'continuously';
export const runsDuringMethod = (s: HypothesisStrategy) => s === 'during-method-only' || s === 'continuously';
