// Secrets in settings (auth tokens, passwords in notification headers or control arguments) must not land in a
// terminal, a screen share or a CI log just because someone ran `settings show`. The reference prints them in clear;
// Turbulence masks them unless --show-secrets is given.

export const MASK = '********';

/**
 * A key name looks secret when its last word is one of these. Words come from splitting on non-alphanumerics and
 * camelCase, so `api_key`, `apiKey`, `X-Auth-Token`, `client_secret`, `Authorization` match, while `monkey`,
 * `token_url`, `password_file` or `secret_name` (which name where a secret is, not the secret) do not.
 */
const SECRET_WORDS = new Set([
  'token', 'password', 'passwd', 'pwd', 'secret', 'key', 'apikey', 'credential', 'credentials', 'authorization',
  'cookie', 'passphrase', 'private', 'secrets',
]);

export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return SECRET_WORDS.has(words.at(-1) ?? '');
}

/**
 * A copy of VALUE with secrets replaced by MASK: every scalar under `auths.<host>.value` or under a secret-looking
 * key (a whole subtree when that key holds a mapping), and the password of `user:password@` URLs.
 * `path` is where VALUE sits in the settings, so that `get auths` masks too.
 */
export function maskSecrets(value: unknown, path: (string | number)[] = []): unknown {
  const inherited = path.some((k, i) => typeof k === 'string' && (isSecretName(k) || isAuthValue(path.slice(0, i + 1))));
  return walk(value, path, inherited);
}

const isAuthValue = (p: (string | number)[]) => p.length === 3 && p[0] === 'auths' && p[2] === 'value';

function walk(value: unknown, path: (string | number)[], secret: boolean): unknown {
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], secret));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const p = [...path, k];
        return [k, walk(v, p, secret || isAuthValue(p) || isSecretName(k))];
      }),
    );
  }
  // booleans and nulls give nothing away, and showing them helps
  if (secret && ((typeof value === 'string' && value !== '') || typeof value === 'number')) return MASK;
  if (typeof value === 'string') return maskUrlPassword(value);
  return value;
}

function maskUrlPassword(s: string): string {
  return s.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*):[^/?#@\s]+@/i, `$1:${MASK}@`);
}
