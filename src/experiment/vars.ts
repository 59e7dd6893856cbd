// `--var` and `--var-file`, as chaoslib's convert_vars/merge_vars: typed values for configuration, var files holding
// {configuration, secrets} overrides or .env lines for the process environment. Which keys an override reaches is
// decided later, by loadConfiguration and loadSecrets.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { ChaosError } from '../errors.ts';
import { log } from '../log.ts';
import { isPlainObject, pythonFloat, pythonInt, pythonStrip, pythonTruthy } from '../python/values.ts';

/** Overrides applied at run time: configuration key → value or full definition; secret scope → its new content. */
export interface ExtraVars {
  configuration: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

const LONE_SURROGATE = /\p{Cs}/u;

/** chaoslib's convert_to_type: no type (or str/string) keeps the value; bytes become a Buffer. Throws Error. */
export function convertToType(type: unknown, val: unknown): unknown {
  if (type === undefined || type === null || type === 'str' || type === 'string') return val;
  if (type === 'int' || type === 'integer') return pythonInt(val);
  if (type === 'float' || type === 'number') return pythonFloat(val);
  if (type === 'bytes') {
    if (typeof val !== 'string') throw new Error(`cannot encode ${typeof val} to bytes`);
    if (LONE_SURROGATE.test(val)) throw new Error('var cannot convert value to required type');
    return Buffer.from(val, 'utf8');
  }
  if (type === 'bool') {
    if (typeof val === 'boolean') return val;
    if (typeof val !== 'string') throw new Error(`cannot read ${JSON.stringify(val)} as a bool`);
    return !['false', '0', 'no'].includes(val.toLowerCase());
  }
  if (type === 'json') {
    if (val === '' || val === null || val === undefined || typeof val !== 'string') return val;
    try {
      return JSON.parse(val);
    } catch (err) {
      throw new Error(`invalid JSON: ${(err as Error).message}`);
    }
  }
  throw new Error('variable type can only be: bool, str, int, float, bytes or json');
}

/**
 * `key[:type]=value`; the type is after the last colon of the part before the first `=`. The ChaosError message is
 * the reason (Python's wording where it has one) followed by `(in --var '<spec>')`.
 */
export function parseVar(spec: string): [string, unknown] {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new ChaosError(`var needs to be in the format name[:type]=value (in --var '${spec}')`);
  let key = spec.slice(0, eq);
  const raw = spec.slice(eq + 1);
  const colon = key.lastIndexOf(':');
  if (colon < 0) return [key, raw];
  const type = key.slice(colon + 1);
  key = key.slice(0, colon);
  try {
    return [key, convertToType(type, raw)];
  } catch (err) {
    throw new ChaosError(`${(err as Error).message} (in --var '${spec}')`);
  }
}

/** Repeated --var: a later one for the same key wins. */
export function parseVars(specs: string[]): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const spec of specs) {
    const [k, v] = parseVar(spec);
    vars[k] = v;
  }
  return vars;
}

/**
 * Reads var files in order (later files win, key by key). `.json`/`.yaml`/`.yml` give {configuration, secrets};
 * any other file, or one that parses to nothing, is a .env file whose `K=V` lines go into `env` verbatim (quotes
 * kept). As the reference: a directory is skipped, and so is a file that fails to parse (both logged as errors).
 * Call it before validation: a .env file must satisfy env-based configuration there.
 */
export async function loadVarFiles(paths: string[], env: NodeJS.ProcessEnv = process.env): Promise<ExtraVars> {
  const out: ExtraVars = { configuration: {}, secrets: {} };
  for (const p of paths) if (!existsSync(p)) throw new ChaosError(`Invalid value for '--var-file': Path '${p}' does not exist.`);
  for (const p of paths) {
    log.debug(`Loading var from file '${p}'`);
    if (!statSync(p).isFile()) {
      log.error(`Cannot read var file '${p}'`);
      continue;
    }
    const content = readFileSync(p, 'utf8');
    if (!content) {
      log.debug(`Var file '${p}' is empty`);
      continue;
    }
    const ext = extname(p);
    let data: unknown = null;
    if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
      try {
        const { parseDocument } = await import('../document/index.ts');
        data = (await parseDocument(content, p, ext === '.json' ? 'json' : 'yaml')).value;
      } catch (err) {
        log.error(`Failed to parse variable file '${p}': ${(err as Error).message}`);
        continue;
      }
    }
    if (!pythonTruthy(data)) {
      readDotEnv(p, content, env);
      continue;
    }
    if (!isPlainObject(data)) throw new ChaosError(`Var file '${p}' must hold a mapping with 'configuration' and/or 'secrets'`);
    log.debug(`Reading configuration/secrets from ${p}`);
    for (const section of ['configuration', 'secrets'] as const) {
      if (!Object.hasOwn(data, section)) continue;
      const part = data[section];
      if (!isPlainObject(part)) throw new ChaosError(`Var file '${p}': '${section}' must be a mapping`);
      Object.assign(out[section], part);
    }
  }
  return out;
}

function readDotEnv(file: string, content: string, env: NodeJS.ProcessEnv): void {
  content.split('\n').forEach((text, i) => {
    const line = pythonStrip(text);
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) throw new ChaosError(`Var file '${file}' line ${i + 1} is not KEY=VALUE: ${line}`);
    const key = line.slice(0, eq);
    env[key] = line.slice(eq + 1);
    log.debug(`Inject environment variable '${key}' from file '${file}'`);
  });
}

/**
 * The reference's merge: --var values beat var-file configuration; secrets come from var files only. The result is
 * the `extraVars` of loadConfiguration (`.configuration`) and loadSecrets (`.secrets`), used by the run only —
 * validation loads configuration and secrets without them.
 */
export function mergeVars(vars: Record<string, unknown>, files: ExtraVars = { configuration: {}, secrets: {} }): ExtraVars {
  const configuration = { ...files.configuration };
  for (const [k, v] of Object.entries(vars)) {
    log.debug(`Using configuration variable '${k}'`);
    configuration[k] = v;
  }
  return { configuration, secrets: { ...files.secrets } };
}
