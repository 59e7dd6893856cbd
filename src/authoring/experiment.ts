// The authored experiment in the Chaos Toolkit format, unchanged: a steady-state hypothesis of probes with
// tolerances, a method, rollbacks. Activity names come from what they call and are made unique.
import { ChaosError } from '../errors.ts';
import type { Activity, Experiment, Json, Pauses } from '../experiment/types.ts';
import { type Offering, findOffering } from './catalog.ts';
import { undoOutcomes } from './rollback.ts';
import type { Choice } from './spec.ts';

export interface MethodStep extends Choice {
  pauses?: Pauses;
}

export interface Authored {
  title: string;
  description: string;
  tags: string[];
  hypothesisTitle: string;
  hypothesis: Choice[];
  method: MethodStep[];
  rollbacks: Choice[];
}

/** A readable name for what the activity calls: kill-process, http-localhost, run-curl. */
function baseName(c: Choice): string {
  const { offering, arguments: args } = c;
  if (offering.id === 'http') {
    try {
      return `http-${new URL(String(args.url)).hostname || 'request'}`;
    } catch {
      return 'http-request';
    }
  }
  if (offering.id === 'process') return `run-${String(args.path).split('/').pop() || 'process'}`;
  return offering.id.slice(offering.id.lastIndexOf('.') + 1).replaceAll('_', '-');
}

export function buildExperiment(a: Authored): Experiment {
  const used = new Map<string, number>();
  const unique = (name: string): string => {
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return n === 1 ? name : unique(`${name}-${n}`);
  };
  const activity = (c: Choice, extra: Partial<Activity> = {}, suffix = ''): Activity => {
    const base = baseName(c);
    const name = suffix && used.has(base) ? unique(`${base}-${suffix}`) : unique(base);
    const out: Activity = { type: c.type, name, provider: c.offering.provider(c.arguments) };
    if (c.tolerance !== undefined) out.tolerance = c.tolerance;
    return { ...out, ...extra };
  };
  // keys in the order people read an experiment
  const hypothesis = a.hypothesis.length ? { title: a.hypothesisTitle, probes: a.hypothesis.map((c) => activity(c)) } : undefined;
  const method = a.method.map((s) => activity(s, s.pauses ? { pauses: s.pauses } : {}));
  const rollbacks = a.rollbacks.map((c) => activity(c, {}, 'rollback'));
  return {
    title: a.title,
    description: a.description,
    ...(a.tags.length ? { tags: a.tags } : {}),
    ...(hypothesis ? { 'steady-state-hypothesis': hypothesis } : {}),
    method,
    ...(rollbacks.length ? { rollbacks } : {}),
  };
}

/**
 * The undo of every method action that has one, last fault first. An undo that needs part of the action's result
 * cannot be stated ahead of the run: a one-line error names it and what to give instead.
 */
export function autoRollbacks(method: Choice[], catalog: Offering[]): Choice[] {
  const out: Choice[] = [];
  for (const { step, outcome } of undoOutcomes(method)) {
    if (outcome.kind === 'opaque') throw new ChaosError(`cannot derive the rollback of ${step.offering.id}: ${outcome.reason}; give it with --rollback SPEC`);
    const { plan } = outcome;
    const id = `${plan.module}.${plan.func}`;
    const missing = Object.entries(plan.fromResult);
    if (missing.length) {
      const what = missing.map(([arg, path]) => `'${arg}' from the action's ${path}`).join(', ');
      throw new ChaosError(
        `cannot derive the rollback of ${step.offering.id}: its undo ${id} takes ${what}, known only at run time; ` +
          `give the rollback with --rollback '${id} ...'`,
      );
    }
    const offering = findOffering(catalog, id);
    if (typeof offering === 'string') throw new ChaosError(`the undo of ${step.offering.id} calls ${id}, which no driver defines`);
    out.push({ offering, type: 'action', arguments: plan.arguments as Record<string, Json> });
  }
  return out;
}
