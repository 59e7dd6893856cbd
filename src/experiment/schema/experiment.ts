// The Chaos Toolkit experiment format, described once: the validator's structural checks (with chaoslib's messages)
// and schema/experiment.schema.json both come from here. Where the reference accepts a value that later crashes
// it (a non-mapping provider, `method: "x"`), the type is enforced; where it treats null or an empty value as
// absent, so does this description (`nullable`, `truthy`).
import { pythonStr } from '../../python/values.ts';
import { type Node, any, arr, custom, isFalsy, lazy, map, obj, oneOf, opt, req, str, union } from './vocabulary.ts';
import { ACTIVITY, activityProperties, notAnActivity } from './activity.ts';
import { controls } from './control.ts';
import { configurationEntry, secretScope } from './declarations.ts';
import { checkToleranceAgainstOutput, toleranceNode } from './tolerance.ts';

export const HYPOTHESIS_STRATEGIES = [
  'default',
  'before-method-only',
  'after-method-only',
  'during-method-only',
  'continuously',
  'continously',
  'skip',
];
export const ROLLBACK_STRATEGIES = ['default', 'always', 'never', 'deviated'];

const NO_METHOD = 'an experiment requires a method, which can be empty for only checking steady state hypothesis ';
const REF_MESSAGE = 'reference to activity must be non-empty strings';

let cache: Node | undefined;

/** The whole experiment format (built once, on first use). */
export function experimentSchema(): Node {
  return (cache ??= build());
}

function build(): Node {
  const activity = obj(
    { ...activityProperties(false), tolerance: opt(any({ description: 'Ignored outside the steady-state hypothesis.' })) },
    { ...ACTIVITY, id: 'activity', title: 'Activity', description: 'A probe or an action.' },
  );
  const ref = req(
    str({
      minLength: 1,
      typeMessage: REF_MESSAGE,
      formatMessage: REF_MESSAGE,
      description: 'Name of an activity declared in the method or the hypothesis.',
    }),
    REF_MESSAGE,
  );
  const activityRef = obj(
    {
      ref,
      // a named ref joins the ref cache, whose keys must be strings (the reference fails on anything else)
      name: opt(str({ typeMessage: 'an activity name must be a string', description: 'Ignored on a ref.' })),
      // the reference collects controls from every method/rollback entry, refs included, and reads their provider
      controls: opt(lazy(controls)),
      provider: opt(map(any(), { typeMessage: 'an activity provider must be a mapping', description: 'Ignored on a ref.' })),
    },
    { id: 'activityRef', title: 'Activity reference', description: 'Replaced by a copy of the named activity.' },
  );
  const activityOrRef = union(
    [
      { when: { hasKey: 'ref' }, node: activityRef },
      { when: { type: ['object'] }, node: activity },
    ],
    notAnActivity,
    { id: 'activityOrRef' },
  );
  const activities = (what: string) => arr(activityOrRef, { typeMessage: `${what} must be a list of activities` });

  const toleranceProbe = obj(
    {
      ...activityProperties(true),
      tolerance: opt(any()),
      // chaoslib validates a probe tolerance as an activity: a `ref` there must be a non-empty string too
      ref: opt(str({ minLength: 1, typeMessage: REF_MESSAGE, formatMessage: REF_MESSAGE }), { nullable: true, description: 'Ignored.' }),
    },
    {
      ...ACTIVITY,
      id: 'toleranceProbe',
      title: 'Probe tolerance',
      description: 'Passes when this probe, given the value as `value`, returns a truthy result.',
    },
  );
  const tolerance = req(toleranceNode(toleranceProbe), 'hypothesis probe must have a tolerance entry');
  const hypothesisProbe = union(
    [
      {
        when: { hasKey: 'ref' },
        node: obj(
          { ref, tolerance },
          {
            id: 'hypothesisRef',
            title: 'Hypothesis probe reference',
            description: 'A reference to an activity, with its own tolerance.',
          },
        ),
      },
      {
        when: { type: ['object'] },
        node: custom(
          obj({ ...activityProperties(false), tolerance }, { ...ACTIVITY, title: 'Hypothesis probe' }),
          checkToleranceAgainstOutput,
          { id: 'hypothesisProbe', description: 'A probe (or action) whose output must be within its tolerance.' },
        ),
      },
    ],
    notAnActivity,
  );

  const hypothesis = obj(
    {
      title: req(str({ minLength: 1, typeMessage: 'hypothesis title must be a string' }), 'hypothesis requires a title', {
        truthy: true,
      }),
      probes: opt(
        arr(hypothesisProbe, {
          typeMessage: 'hypothesis probes must be a list of activities',
          description: 'Checked in order; the first miss stops the check.',
        }),
      ),
      controls: opt(lazy(controls)),
    },
    {
      id: 'hypothesis',
      typeMessage: 'steady-state-hypothesis must be a mapping',
      title: 'Steady-state hypothesis',
      description: 'What normal looks like, checked before and after the method.',
    },
  );

  return obj(
    {
      title: req(
        str({
          minLength: 1,
          typeMessage: 'experiment title must be a string',
          description: 'Title; ${name} placeholders are substituted at run start.',
        }),
        'experiment requires a title',
        { truthy: true },
      ),
      description: req(
        str({ minLength: 1, typeMessage: 'experiment description must be a string', description: 'What the experiment is about.' }),
        'experiment requires a description',
        { truthy: true },
      ),
      tags: opt(
        arr(str({ minLength: 1, typeMessage: 'experiment tags must be a non-empty string', formatMessage: 'experiment tags must be a non-empty string' }), {
          typeMessage: 'experiment tags must be a list of non-empty strings',
          description: 'Free-form tags.',
        }),
        { nullable: true },
      ),
      extensions: opt(arr(extension(), { typeMessage: 'experiment extensions must be a list' }), { nullable: true }),
      contributions: opt(
        any({
          description: 'What the experiment contributes to: {name: high|medium|low|none}. Never validated.',
          examples: [{ availability: 'high', security: 'none' }],
        }),
      ),
      configuration: opt(
        map(configurationEntry(activity), {
          typeMessage: 'experiment configuration must be a mapping',
          description: 'Configuration values, available as ${key}.',
        }),
      ),
      secrets: opt(
        map(secretScope(), {
          typeMessage: 'experiment secrets must be a mapping of scopes',
          description: 'Secret scopes: {scope: {key: value}}.',
        }),
      ),
      'steady-state-hypothesis': opt(hypothesis),
      method: req(activities('method'), NO_METHOD, {
        description: 'Activities run in order (may be empty).',
        nullIsMissing: true,
      }),
      rollbacks: opt(activities('rollbacks'), { description: 'Activities that undo the method, run per the rollback strategy.' }),
      controls: opt(lazy(controls)),
      runtime: opt(runtime(), { nullable: true }),
      version: opt(any({ description: 'Opaque version, e.g. "1.0.0".' })),
      dry: opt(any({ description: 'Internal: overwritten by the run.' })),
    },
    {
      minProperties: 1,
      emptyMessage: 'an empty experiment is not an experiment',
      typeMessage: (v) => (isFalsy(v) ? 'an empty experiment is not an experiment' : 'an experiment must be a mapping'),
    },
  );
}

function extension(): Node {
  const blank = 'All extensions require a non-empty name';
  return obj(
    { name: req(str({ pattern: '\\S', typeMessage: blank, formatMessage: blank }), blank, { truthy: true }) },
    { typeMessage: 'an extension must be a mapping', title: 'Extension', description: 'Data for extensions and controls; kept in the journal.' },
  );
}

function runtime(): Node {
  const rollbackStrategy = custom(
    str({ typeMessage: 'runtime rollbacks strategy must be a string', default: 'default', examples: ROLLBACK_STRATEGIES }),
    (v, path, ctx) => {
      // the reference silently never rolls back for an unknown name
      if (!ROLLBACK_STRATEGIES.includes(v as string)) {
        ctx.warnings.push({ message: `unknown rollbacks strategy '${v as string}': rollbacks will never be played`, path });
      }
    },
  );
  const hypothesisStrategy = oneOf(HYPOTHESIS_STRATEGIES, {
    enumMessage: (v) => `unknown hypothesis strategy '${pythonStr(v)}'`,
    default: 'default',
  });
  return obj(
    {
      hypothesis: opt(obj({ strategy: opt(hypothesisStrategy) }, { typeMessage: 'runtime hypothesis must be a mapping' })),
      rollbacks: opt(obj({ strategy: opt(rollbackStrategy) }, { typeMessage: 'runtime rollbacks must be a mapping' })),
    },
    {
      typeMessage: 'experiment runtime must be a mapping',
      description: 'Strategies (override the settings; CLI flags override both).',
    },
  );
}
