// The members every activity has (probe or action), wherever it appears: method, rollbacks, hypothesis,
// probe tolerances and dynamic configuration.
import { pythonStr } from '../../python/values.ts';
import { controls } from './control.ts';
import { PLACEHOLDER, provider } from './provider.ts';
import { type ObjectNode, any, bool, isFalsy, lazy, num, obj, oneOf, opt, req, str, union } from './vocabulary.ts';

export const ACTIVITY = {
  minProperties: 1,
  emptyMessage: 'empty activity is no activity',
  typeMessage: 'an activity must be a mapping',
};

export const notAnActivity = (v: unknown) => (isFalsy(v) ? 'empty activity is no activity' : 'an activity must be a mapping');

/** The members every activity has, wherever it appears (the tolerance is added by the caller). */
export function activityProperties(forTolerance: boolean): ObjectNode['properties'] {
  return {
    type: req(
      oneOf(['probe', 'action'], {
        enumMessage: (v) => `'${pythonStr(v)}' is not a supported activity type`,
        description: 'probe (observes) or action (changes the system).',
      }),
      'an activity must have a type',
      { truthy: true },
    ),
    name: req(
      str({ minLength: 1, typeMessage: 'an activity name must be a string', description: 'Unique name; the target of `ref`.' }),
      'an activity must have a name',
      { truthy: true },
    ),
    provider: req(provider(forTolerance), 'an activity requires a provider', { truthy: true }),
    timeout: opt(
      num({ typeMessage: 'activity timeout must be a number', description: 'Validated but never enforced (use the provider timeout).' }),
      { nullable: true },
    ),
    pauses: opt(
      obj(
        { before: pause('before'), after: pause('after') },
        { typeMessage: 'activity pauses must be a mapping of before/after', description: 'Sleeps around the activity.' },
      ),
      { nullable: true },
    ),
    background: opt(
      bool({ typeMessage: 'activity background must be a boolean', description: 'Run in the background while the method moves on.' }),
    ),
    controls: opt(lazy(controls)),
    dry: opt(any({ description: 'Ignored when set in the experiment (only a control can make an activity dry).' })),
  };
}

function pause(which: 'before' | 'after') {
  const message = `activity ${which} pause must be a number or a pattern to a variable from the configuration or secrets`;
  return opt(
    union(
      [
        { when: { type: ['number'] }, node: num({ minimum: 0 }) },
        { when: { type: ['string'] }, node: str({ pattern: PLACEHOLDER, formatMessage: message }) },
      ],
      message,
      { description: `Seconds to sleep ${which} the activity, or a \${name} placeholder.` },
    ),
    { nullable: true },
  );
}
