// A report is shared (a pull request, a CI page, a chat): no secret may reach it. The journal copies the experiment,
// so its `secrets` block and configuration defaults are there in clear, and an activity's output may echo a
// resolved secret. Declarations are masked, and every literal secret value is scrubbed from every string.
import { isSecretName } from '../settings/mask.ts';

export const MASK = '********';

/**
 * Shorter values are masked where declared but not scrubbed elsewhere: replacing every "1" or "ok" in the report
 * would destroy it while hiding nothing worth hiding.
 */
const SCRUB_MIN_LENGTH = 3;

export interface Redactor {
  /** the experiment's `secrets` with every value masked (env/vault declarations keep their type, key and path) */
  secrets: unknown;
  /** the experiment's `configuration` with secret-looking and env/vault-provided values masked */
  configuration: unknown;
  /** any journal value with the known secret strings replaced by MASK */
  scrub<T>(value: T): T;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of a provider declaration that name where a value comes from, not the value itself. */
const LOCATION_KEYS = new Set(['type', 'key', 'path', 'secret_path', 'mount_point']);

export function redactor(experiment: unknown): Redactor {
  const exp = isObject(experiment) ? experiment : {};
  const found = new Set<string>();
  const maskAll = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(maskAll);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskAll(x)]));
    if (typeof v === 'string' || typeof v === 'number') {
      if (String(v).length >= SCRUB_MIN_LENGTH) found.add(String(v));
      return MASK;
    }
    return v;
  };
  const maskDeclaration = (v: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(v).map(([k, x]) => [k, LOCATION_KEYS.has(k) && typeof x === 'string' ? x : maskAll(x)]));

  const secretValue = (v: unknown): unknown => {
    if (!isObject(v)) return maskAll(v);
    if (typeof v.type === 'string') return maskDeclaration(v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, secretValue(x)]));
  };
  const secrets = isObject(exp.secrets) ? secretValue(exp.secrets) : exp.secrets;

  const configuration = isObject(exp.configuration)
    ? Object.fromEntries(
        Object.entries(exp.configuration).map(([k, v]) => {
          // env and vault entries hold values from outside the experiment (their default included)
          if (isObject(v) && typeof v.type === 'string') return [k, maskDeclaration(v)];
          return [k, isSecretName(k) ? maskAll(v) : v];
        }),
      )
    : exp.configuration;

  // longest first, so that a secret containing another one is replaced whole
  const values = [...found].sort((a, b) => b.length - a.length);
  const scrubString = (s: string) => {
    let out = maskUrlPassword(s);
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  };
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubString(v);
    if (Array.isArray(v)) return v.map(scrub);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    if (typeof v === 'number' && values.includes(String(v))) return MASK;
    return v;
  };
  return { secrets, configuration, scrub: <T>(v: T) => scrub(v) as T };
}

function maskUrlPassword(s: string): string {
  return s.includes('@') ? s.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]+@/gi, `$1:${MASK}@`) : s;
}
