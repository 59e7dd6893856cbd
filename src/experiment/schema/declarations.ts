// Configuration and secrets declarations: literals, env entries, vault secrets, dynamic (probe) values (§5).
import { type Node, any, lazy, map, obj, oneOf, opt, req, str, union } from './vocabulary.ts';

export function configurationEntry(activity: Node): Node {
  const env = obj(
    {
      type: req(oneOf(['env']), ''),
      key: req(
        str({ typeMessage: 'a configuration env entry key must be a string', description: 'Environment variable name.' }),
        'a configuration env entry requires a `key`',
      ),
      default: opt(any({ description: 'Used when the variable is unset (converted by env_var_type too).' })),
      env_var_type: opt(
        oneOf(['str', 'string', 'int', 'integer', 'float', 'number', 'bytes', 'bool', 'json'], {
          enumMessage: 'variable type can only be: bool, str, int, float, bytes or json',
          description: 'Conversion of the variable (for bool: false, 0 and no are false).',
        }),
        { nullable: true },
      ),
    },
    { title: 'Environment variable', description: 'Read from the environment; fails validation when unset without default.' },
  );
  return union(
    [
      { when: { key: 'type', equals: 'env' }, node: env },
      { when: { key: 'type', equals: 'probe' }, node: activity },
    ],
    any({ description: 'A literal value.' }),
    {
      id: 'configurationEntry',
      title: 'Configuration value',
      description: 'A literal, an {type: env} entry, or a probe whose output becomes the value.',
    },
  );
}

export function secretScope(): Node {
  const env = obj(
    {
      type: req(oneOf(['env']), ''),
      key: req(
        str({ typeMessage: 'a secret env entry key must be a string', description: 'Environment variable name.' }),
        'a secret env entry requires a `key`',
      ),
    },
    { title: 'Environment secret', description: 'Read from the environment (no default).' },
  );
  const vault = obj(
    {
      type: req(oneOf(['vault']), ''),
      path: opt(str({ typeMessage: 'a vault secret path must be a string', description: 'Secret path under the mount point.' })),
      key: opt(
        str({ typeMessage: 'a vault secret key must be a string', description: 'One key of the secret (the whole secret otherwise).' }),
      ),
    },
    { title: 'Vault secret', description: 'Read from HashiCorp Vault (vault_* configuration keys).' },
  );
  const entry: Node = union(
    [
      { when: { key: 'type', equals: 'env' }, node: env },
      { when: { key: 'type', equals: 'vault' }, node: vault },
      { when: { type: ['object'] }, node: lazy(() => nested) },
    ],
    any({ description: 'A literal value.' }),
    { id: 'secretEntry', title: 'Secret value' },
  );
  const nested: Node = map(entry, {
    id: 'secretScope',
    title: 'Secret scope',
    description: 'Secret keys and values; nested mappings recurse.',
  });
  return union([{ when: { type: ['object'] }, node: entry }], 'a secret scope must be a mapping of keys to secrets');
}
