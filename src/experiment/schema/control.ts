// Control declarations (§13): name, provider, scope, automatic, ref; messages name the control as chaoslib does.
import { pythonStr } from '../../python/values.ts';
import { secretScopes } from './provider.ts';
import { type Node, any, arr, bool, isObject, map, obj, oneOf, opt, own, req, str, union } from './vocabulary.ts';

let controlsNode: Node | undefined;

/** A list of control declarations (experiment, hypothesis and activity levels). */
export function controls(): Node {
  return (controlsNode ??= arr(control(), { id: 'controls', typeMessage: 'controls must be a list' }));
}

function control(): Node {
  const pythonProvider = obj({
    type: req(oneOf(['python']), ''),
    module: req(
      str({ minLength: 1, typeMessage: 'a control module path must be a string', description: 'Dotted module path of the control.' }),
      (_v, parents) => `Control '${nameOf(parents.at(-2))}' must have a module path`,
      { truthy: true },
    ),
    arguments: opt(
      map(any(), { typeMessage: 'control arguments must be a mapping', description: 'Passed to the control functions; substituted.' }),
    ),
    secrets: opt(secretScopes()),
  });
  const provider = union(
    [
      { when: { key: 'type', equals: 'python' }, node: pythonProvider },
      { when: { type: ['object'] }, node: obj({ type: opt(str({ typeMessage: 'a control provider type must be a string' })) }) },
    ],
    'a control provider must be a mapping',
    { title: 'Control provider', description: '{type: python, module, arguments?, secrets?}.' },
  );
  const nameMessage = 'a control name must be a non-empty string';
  return obj(
    {
      name: req(
        str({ minLength: 1, typeMessage: nameMessage, formatMessage: nameMessage, description: 'Control name; the target of a control `ref`.' }),
        'A control must have a `name` property',
      ),
      provider: req(provider, (_v, parents) =>
        isObject(parents.at(-1)) && Object.hasOwn(parents.at(-1) as object, 'name')
          ? `Control '${nameOf(parents.at(-1))}' must have a \`provider\` property`
          : 'A control must have a `provider` property',
      ),
      scope: opt(
        oneOf(['before', 'after'], {
          enumMessage: (_v, parents) => `Control '${nameOf(parents.at(-1))}' scope property must be 'before' or 'after' only`,
          description: 'Apply only before or only after.',
        }),
        { nullable: true },
      ),
      automatic: opt(
        bool({
          typeMessage: 'a control automatic property must be a boolean',
          default: true,
          description: 'false: top-level control not applied to every activity.',
        }),
      ),
      ref: opt(
        str({ typeMessage: 'a control reference must be a string', description: 'Name of a control declared elsewhere in the experiment.' }),
      ),
    },
    {
      id: 'control',
      typeMessage: 'a control must be a mapping',
      title: 'Control',
      description: 'Hooks called around the experiment, the hypothesis, the method, rollbacks and activities.',
    },
  );
}

/** A control's name as the reference's messages print it. */
function nameOf(control: unknown): string {
  return pythonStr(isObject(control) ? own(control, 'name') : undefined);
}
