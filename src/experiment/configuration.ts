// The experiment's `configuration` block, resolved as chaoslib's load_configuration and load_dynamic_configuration.
import { InvalidExperiment, type Problem } from '../errors.ts';
import { log } from '../log.ts';
import { isPlainObject, pythonStrip } from '../python/values.ts';
import type { Activity, Configuration, Secrets } from './types.ts';
import { convertToType } from './vars.ts';

/**
 * Static configuration: inline values as they are; `{type: "env", key, default?, env_var_type?}` from `env`.
 * `extraVars` (the run's --var and var-file configuration) replaces the declared entry of the same key before it
 * is resolved, so a var file may hold a full env definition; keys the experiment does not declare are ignored.
 * Every problem is collected, each at ['configuration', key].
 */
export function loadConfiguration(
  decl: Record<string, unknown> | undefined,
  opts: { extraVars?: Record<string, unknown>; env?: NodeJS.ProcessEnv } = {},
): Configuration {
  log.debug('Loading configuration...');
  if (decl === undefined || decl === null) return {};
  if (!isPlainObject(decl)) throw new InvalidExperiment([{ message: 'configuration must be a mapping', path: ['configuration'] }]);
  const env = opts.env ?? process.env;
  const extra = opts.extraVars ?? {};
  const conf: Configuration = {};
  const problems: Problem[] = [];
  for (const [key, declared] of Object.entries(decl)) {
    const value = Object.hasOwn(extra, key) ? extra[key] : declared;
    if (!isPlainObject(value) || value.type !== 'env') {
      conf[key] = value;
      continue;
    }
    const problem = (message: string) => problems.push({ message, path: ['configuration', key] });
    const envKey = value.key;
    if (typeof envKey !== 'string') {
      problem(`Configuration entry '${key}' of type env requires a string 'key'`);
      continue;
    }
    const present = env[envKey] !== undefined;
    if (!present && !Object.hasOwn(value, 'default')) {
      problem(`Configuration makes reference to an environment key that does not exist: ${envKey}`);
      continue;
    }
    try {
      // the default goes through env_var_type too, as in the reference
      conf[key] = convertToType(value.env_var_type, present ? env[envKey] : value.default);
    } catch (err) {
      const type = JSON.stringify(value.env_var_type);
      problem(`Cannot convert environment key ${envKey} with env_var_type ${type}: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw new InvalidExperiment(problems);
  return conf;
}

const DYNAMIC_FAILED =
  'Some of the dynamic configuration failed to be loaded.Please review the log file for understanding what happened.';

/**
 * Dynamic values `{type: "probe", name, provider}`, run in key order once secrets are loaded; each probe sees only
 * the keys before it (dynamic ones included) and every secret scope. Stored: the python return value, the stripped
 * stdout of a process that exited 0, the http body. A failure drops the key (debug log, then one warning).
 * The input is not altered (the reference writes the secrets into the experiment's probe, which then leak into the
 * journal; we do not copy that).
 */
export async function loadDynamicConfiguration(
  configuration: Configuration,
  secrets: Secrets,
  runProbe: (activity: Activity, configuration: Configuration, secrets: Secrets) => Promise<unknown>,
): Promise<Configuration> {
  log.debug('Loading dynamic configuration...');
  const conf: Configuration = {};
  let failed = false;
  for (const [key, value] of Object.entries(configuration)) {
    if (!isPlainObject(value) || value.type !== 'probe') {
      conf[key] = value;
      continue;
    }
    const name = String(value.name);
    const provider = isPlainObject(value.provider) ? value.provider : {};
    // the reference hands the probe every secret scope
    const activity = { ...value, provider: { ...provider, secrets: Object.keys(secrets ?? {}) } } as unknown as Activity;
    let output: unknown;
    try {
      output = await runProbe(activity, { ...conf }, secrets);
    } catch (err) {
      failed = true;
      log.debug(`Failed to load configuration '${name}': ${(err as Error)?.message ?? String(err)}`);
      continue;
    }
    const result = isPlainObject(output) ? output : {};
    if (provider.type === 'python') {
      conf[key] = output;
    } else if (provider.type === 'process') {
      if (result.status !== 0) {
        failed = true;
        log.debug(`Failed to load configuration dynamically from probe '${name}': ${String(result.stderr ?? '')}`);
      } else {
        conf[key] = pythonStrip(String(result.stdout ?? ''));
      }
    } else if (provider.type === 'http') {
      conf[key] = result.body ?? null;
    }
  }
  if (failed) log.warning(DYNAMIC_FAILED);
  return conf;
}
