// chaosaddons' validate_probes: the safeguard control declares at least one probe, each a valid activity of type
// probe with a valid tolerance. Like the reference, the first problem found rejects the control, in its words.
import { ChaosError, type Problem } from '../../errors.ts';
import { ACTIVITY, activityProperties } from '../../experiment/schema/activity.ts';
import { checkDocument } from '../../experiment/schema/check.ts';
import { toleranceNode } from '../../experiment/schema/tolerance.ts';
import { type Node, any, isFalsy, isObject, obj, opt } from '../../experiment/schema/vocabulary.ts';
import type { Activity } from '../../experiment/types.ts';
import { pythonStr } from '../../python/values.ts';
import { getProvider } from '../../providers/registry.ts';

let nodes: { activity: Node; tolerance: Node } | undefined;

function schema(): { activity: Node; tolerance: Node } {
  nodes ??= {
    activity: obj({ ...activityProperties(false), tolerance: opt(any()) }, ACTIVITY),
    tolerance: toleranceNode(obj({ ...activityProperties(true), tolerance: opt(any()) }, ACTIVITY)),
  };
  return nodes;
}

/** Throws the reference's InvalidActivity message for the first problem of the control's probes. */
export async function validateSafeguards(control: Record<string, unknown>): Promise<void> {
  const provider = isObject(control.provider) ? control.provider : {};
  const args = isObject(provider.arguments) ? provider.arguments : {};
  const probes = args.probes;
  if (isFalsy(probes)) throw new ChaosError('safeguard control must have at least one probe');
  for (const probe of Array.isArray(probes) ? probes : [probes]) {
    await ensureActivityIsValid(probe);
    if (!isObject(probe)) continue;
    if (probe.type !== 'probe') {
      throw new ChaosError(`safeguard control '${pythonStr(probe.name)}' should be of type 'probe' not '${pythonStr(probe.type)}'`);
    }
    if (!Object.hasOwn(probe, 'tolerance')) {
      throw new ChaosError(`safeguard control is invalid as the probe '${pythonStr(probe.name)}' is missing a tolerance property`);
    }
    firstProblem(checkDocument(schema().tolerance, probe.tolerance).problems);
  }
}

async function ensureActivityIsValid(probe: unknown): Promise<void> {
  if (isObject(probe) && probe.ref !== undefined && probe.ref !== null) {
    if (typeof probe.ref !== 'string' || probe.ref === '') throw new ChaosError('reference to activity must be non-empty strings');
    return;
  }
  firstProblem(checkDocument(schema().activity, probe).problems);
  const activity = probe as Activity;
  const provider = getProvider(activity.provider.type);
  if (!provider) throw new ChaosError(`unknown provider type '${pythonStr(activity.provider.type)}'`);
  // http has no outside-world check: its schema check above is all there is
  if (provider.validate) firstProblem(await provider.validate(activity, []));
}

function firstProblem(problems: Problem[]): void {
  if (problems.length) throw new ChaosError(problems[0]!.message);
}
