// How chaosk8s's create_k8s_api_client (0.39.0) picks its credentials, as plain data: keys looked up in the
// activity's secrets first, then the environment; the first branch that applies wins:
//  1. a kubeconfig file exists ($KUBECONFIG as one path, else ~/.kube/config): its KUBERNETES_CONTEXT, or the current
//     one; TLS as the kubeconfig says (the reference sets KUBERNETES_VERIFY_SSL on the class, where it has no effect);
//  2. CHAOSTOOLKIT_IN_POD == "true" (environment only): the pod's service account;
//  3. KUBERNETES_HOST (default http://localhost) with an API key, or a client certificate, or a user name whose
//     password the Python client never sends. TLS verification is `lookup("KUBERNETES_VERIFY_SSL", False) is not
//     False`: off when unset, on for ANY value, "false" included. Turbulence warns about that and reads
//     TURBULENCE_KUBERNETES_VERIFY_SSL (true/false, 1/0, yes/no), when set, as the real answer.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { ActivityFailed } from '../../errors.ts';
import { log } from '../../log.ts';
import { pythonStr } from '../../python/values.ts';

export type AuthPlan =
  | { kind: 'kubeconfig'; file: string; context: string | null }
  | { kind: 'in-cluster'; root: string }
  | {
      kind: 'env';
      host: string;
      verifyTls: boolean;
      caFile: string | null;
      /** `<prefix> <key>` (the key alone when the prefix is empty) */
      authorization: string | null;
      certFile: string | null;
      keyFile: string | null;
      /** given, but never sent: the reference's client has no basic-auth setting */
      username: string | null;
    };

type Lookup = (key: string) => { found: boolean; value: unknown };

/** ~ expanded as os.path.expanduser does it for a leading ~ or ~/ */
function expandUser(p: string, env: NodeJS.ProcessEnv): string {
  if (p === '~' || p.startsWith('~/')) return (env.HOME ?? homedir()) + p.slice(1);
  return p;
}

export function kubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return expandUser(env.KUBECONFIG ?? '~/.kube/config', env);
}

/** The branch, credentials and TLS settings the reference would use, from the secrets and the environment. */
export function resolveAuth(secrets: Record<string, unknown> | null, env: NodeJS.ProcessEnv = process.env): AuthPlan {
  const s = secrets ?? {};
  const lookup: Lookup = (key) => {
    if (Object.hasOwn(s, key)) return { found: true, value: s[key] };
    if (env[key] !== undefined) return { found: true, value: env[key] };
    return { found: false, value: null };
  };
  const value = (key: string, d: unknown = null): unknown => {
    const r = lookup(key);
    return r.found ? r.value : d;
  };
  const text = (key: string, d: string | null = null): string | null => {
    const v = value(key, d);
    return v === null ? null : pythonStr(v);
  };

  const file = kubeconfigPath(env);
  if (existsSync(file)) return { kind: 'kubeconfig', file, context: text('KUBERNETES_CONTEXT') };
  if (env.CHAOSTOOLKIT_IN_POD === 'true') return { kind: 'in-cluster', root: env.TURBULENCE_IN_POD_ROOT ?? '' };

  const has = (key: string) => Object.hasOwn(s, key) || env[key] !== undefined;
  let authorization: string | null = null;
  let certFile: string | null = null;
  let keyFile: string | null = null;
  let username: string | null = null;
  if (has('KUBERNETES_API_KEY')) {
    const key = text('KUBERNETES_API_KEY') ?? '';
    const prefix = text('KUBERNETES_API_KEY_PREFIX', 'Bearer');
    authorization = prefix ? `${prefix} ${key}` : key;
  } else if (has('KUBERNETES_CERT_FILE')) {
    certFile = text('KUBERNETES_CERT_FILE');
    keyFile = text('KUBERNETES_KEY_FILE');
  } else if (has('KUBERNETES_USERNAME')) {
    username = text('KUBERNETES_USERNAME');
  }
  const host = text('KUBERNETES_HOST', 'http://localhost')!;
  return {
    kind: 'env',
    host,
    verifyTls: verifyTls(lookup('KUBERNETES_VERIFY_SSL'), text('TURBULENCE_KUBERNETES_VERIFY_SSL'), host.startsWith('https:')),
    caFile: text('KUBERNETES_CA_CERT_FILE'),
    authorization,
    certFile,
    keyFile,
    username,
  };
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  log.warning(message);
}

/** The reference's `is not False`, unless Turbulence's own, correctly parsed, setting says otherwise. */
function verifyTls(reference: { found: boolean; value: unknown }, explicit: string | null, tls: boolean): boolean {
  if (explicit !== null) {
    const v = explicit.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new ActivityFailed(`TURBULENCE_KUBERNETES_VERIFY_SSL must be true or false, not '${explicit}'`);
  }
  const on = reference.found && reference.value !== false;
  if (!tls) return on;
  if (!reference.found) {
    warnOnce('KUBERNETES_VERIFY_SSL is unset: as in chaostoolkit-kubernetes, the API server certificate is NOT verified (set TURBULENCE_KUBERNETES_VERIFY_SSL=true to verify)');
  } else if (on && typeof reference.value === 'string' && /^(false|0|no|off|)$/i.test(reference.value.trim())) {
    warnOnce(`KUBERNETES_VERIFY_SSL='${reference.value}' turns verification ON, as in chaostoolkit-kubernetes (any value does); set TURBULENCE_KUBERNETES_VERIFY_SSL=false to turn it off`);
  }
  return on;
}

/** One line for logs and `--dry`: where the API calls go and how they authenticate (no secret values). */
export function describeAuth(plan: AuthPlan): string {
  switch (plan.kind) {
    case 'kubeconfig':
      return `kubeconfig ${plan.file}, context ${plan.context ?? '(current)'}`;
    case 'in-cluster':
      return 'in-cluster service account';
    case 'env': {
      const how = plan.authorization ? 'API key' : plan.certFile ? 'client certificate' : plan.username ? 'user name (never sent)' : 'no credentials';
      return `${plan.host} with ${how}, TLS verification ${plan.verifyTls ? 'on' : 'off'}`;
    }
  }
}
