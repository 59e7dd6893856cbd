// The experiment's `secrets` block, resolved as chaoslib's load_secrets: {scope: {key: value}}, nested mappings
// recurse, `{type: "env", key}` reads the environment (no default), vault is not supported here.
import { InvalidExperiment, type Problem } from '../errors.ts';
import { log } from '../log.ts';
import { isPlainObject } from '../python/values.ts';
import type { Configuration, JsonPath, Secrets } from './types.ts';

/**
 * `extraVars` are the run's var-file secrets: a scope given there replaces the declared scope wholesale, raw
 * (neither merged nor resolved), as the reference does; scopes the experiment does not declare are ignored.
 * `configuration` is where vault settings would come from. Every problem is collected, at ['secrets', scope, key].
 */
export function loadSecrets(
  decl: Record<string, unknown> | undefined,
  configuration: Configuration,
  opts: { extraVars?: Record<string, unknown>; env?: NodeJS.ProcessEnv } = {},
): Secrets {
  log.debug('Loading secrets...');
  if (decl === undefined || decl === null) return {};
  if (!isPlainObject(decl)) throw new InvalidExperiment([{ message: 'secrets must be a mapping', path: ['secrets'] }]);
  const problems: Problem[] = [];
  const extra = opts.extraVars ?? {};
  const env = opts.env ?? process.env;
  const secrets: Record<string, unknown> = {};
  for (const [scope, value] of Object.entries(decl)) {
    const override = Object.hasOwn(extra, scope) ? extra[scope] : null;
    secrets[scope] = isPlainObject(value) && override !== null && override !== undefined
      ? override
      : resolve(value, ['secrets', scope], env, problems);
  }
  if (problems.length) throw new InvalidExperiment(problems);
  log.debug('Done loading secrets');
  return secrets as Secrets;
}

function resolve(value: unknown, path: JsonPath, env: NodeJS.ProcessEnv, problems: Problem[]): unknown {
  if (!isPlainObject(value)) return value;
  if (value.type === 'env') {
    const key = value.key;
    if (typeof key !== 'string') {
      problems.push({ message: `Secret '${path.slice(1).join('.')}' of type env requires a string 'key'`, path });
      return undefined;
    }
    if (env[key] === undefined) {
      problems.push({ message: `Secrets make reference to an environment key that does not exist: ${key}`, path });
    }
    return env[key];
  }
  if (value.type === 'vault') {
    problems.push({ message: `vault secrets are not supported yet (secret '${path.slice(1).join('.')}')`, path });
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = resolve(v, [...path, k], env, problems);
  return out;
}
