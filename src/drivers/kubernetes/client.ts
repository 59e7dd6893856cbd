// The Kubernetes API as chaosk8s calls it: plain JSON over HTTP(S), authenticated by @kubernetes/client-node's
// KubeConfig (kubeconfig files, exec plugins, service accounts, certificates). The package is large: it loads on the
// first Kubernetes call, never at start-up. Failures read as the Python client's: an ApiException with status,
// reason, headers and body, urllib3's MaxRetryError for a server that cannot be reached, ConfigException for a bad
// kubeconfig or service account.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { log } from '../../log.ts';
import { importUserModule } from '../../modules.ts';
import { pythonRepr } from '../../python/values.ts';
import { PythonException } from '../../providers/python/exceptions.ts';
import { type AuthPlan, describeAuth, resolveAuth } from './auth.ts';

/** kubernetes.client.exceptions.ApiException: str() is status, reason, headers and body on their own lines. */
export class ApiException extends PythonException {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly headers: [string, string][],
    readonly body: string,
    /** `_preload_content=False` calls keep the body as bytes: str() shows b'...' */
    bytes = false,
  ) {
    let m = `(${status})\nReason: ${reason}\n`;
    if (headers.length) m += `HTTP response headers: HTTPHeaderDict({${headers.map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}})\n`;
    if (body) m += `HTTP response body: ${bytes ? pythonRepr(Buffer.from(body, 'utf8')) : body}\n`;
    super('kubernetes.client.exceptions.ApiException', m);
  }
}

export const configException = (m: string) => new PythonException('kubernetes.config.config_exception.ConfigException', m);

export interface Response {
  status: number;
  reason: string;
  headers: [string, string][];
  text: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  contentType?: string;
  /** no ApiException for a status >= 300: the caller reads it */
  raw?: boolean;
  /** the body of an error as bytes in the message (the reference's `_preload_content=False` calls) */
  bytes?: boolean;
  signal?: AbortSignal;
}

export interface KubeApi {
  server: string;
  /** for the client package's own helpers (Exec) */
  kubeConfig: KubeConfig;
  request(method: string, path: string, opts?: RequestOptions): Promise<Response>;
  /** the decoded JSON body; ApiException for a status >= 300 */
  json(method: string, path: string, opts?: RequestOptions): Promise<any>;
  /**
   * A watch (`?watch=true`): each event to `onEvent` until it returns true (then true), the server ends the stream
   * (then null), or no data came for `idleMs` (urllib3's read timeout: then false).
   */
  watch(path: string, query: Record<string, string | undefined>, onEvent: (event: any) => boolean, idleMs: number, signal?: AbortSignal): Promise<boolean | null>;
}

let k8s: Promise<typeof import('@kubernetes/client-node')> | null = null;
/** The client package, imported on first use (a real import(): it is an ES module the bundle leaves out). */
export function loadClientNode(): Promise<typeof import('@kubernetes/client-node')> {
  k8s ??= importUserModule('@kubernetes/client-node') as Promise<typeof import('@kubernetes/client-node')>;
  return k8s;
}

/** create_k8s_api_client(secrets): the client the reference would build. */
export async function connect(secrets: Record<string, unknown> | null, env: NodeJS.ProcessEnv = process.env): Promise<KubeApi> {
  const plan = resolveAuth(secrets, env);
  log.debug(`Kubernetes API: ${describeAuth(plan)}`);
  return clientFor(plan);
}

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
/** The Python client's own User-Agent: the API server records it as the manager of the fields a call changes. */
const USER_AGENT = 'OpenAPI-Generator/30.1.0/python';

export async function clientFor(plan: AuthPlan): Promise<KubeApi> {
  const { KubeConfig } = await loadClientNode();
  const kc: KubeConfig = new KubeConfig();
  let extraHeaders: Record<string, string> = {};
  let tls: https.RequestOptions = {};
  if (plan.kind === 'kubeconfig') {
    try {
      kc.loadFromFile(plan.file);
    } catch (err) {
      throw configException(`Invalid kube-config file. ${(err as Error).message}`);
    }
    if (plan.context !== null) {
      if (!kc.getContextObject(plan.context)) throw configException(`Invalid kube-config file. Expected object with name ${plan.context} in ${plan.file}/contexts list`);
      kc.setCurrentContext(plan.context);
    } else if (!kc.getCurrentContext()) {
      throw configException('Invalid kube-config file. Expected key current-context in kube-config');
    }
  } else if (plan.kind === 'in-cluster') {
    inClusterChecks(plan.root);
    kc.loadFromCluster(plan.root || undefined);
  } else {
    kc.loadFromClusterAndUser({ name: 'env', server: plan.host, skipTLSVerify: !plan.verifyTls, ...(plan.caFile ? { caFile: plan.caFile } : {}) }, {
      name: 'env',
      ...(plan.certFile ? { certFile: plan.certFile } : {}),
      ...(plan.keyFile ? { keyFile: plan.keyFile } : {}),
    });
    if (plan.authorization !== null) extraHeaders = { Authorization: plan.authorization };
    if (plan.username !== null) log.warning('KUBERNETES_USERNAME is set: like chaostoolkit-kubernetes, Turbulence does not send it (the API server dropped basic auth in 1.19)');
    if (!plan.verifyTls) tls = { rejectUnauthorized: false };
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw configException('Invalid kube-config file. No cluster for the current context');
  const server = cluster.server.replace(/\/+$/, '');

  async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const url = new URL(server + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== null && v !== undefined) url.searchParams.set(k, String(v));
    const options: https.RequestOptions = { method, headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...extraHeaders }, ...tls };
    await kc.applyToHTTPSOptions(options);
    Object.assign(options.headers as Record<string, string>, extraHeaders);
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      (options.headers as Record<string, string>)['Content-Type'] = opts.contentType ?? 'application/json';
      (options.headers as Record<string, string>)['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const secure = url.protocol === 'https:';
    const res = await send(secure ? https : http, url, { ...options, agent: secure ? agents.https : agents.http, signal: opts.signal }, payload);
    if (!opts.raw && (res.status < 200 || res.status > 299)) throw new ApiException(res.status, res.reason, res.headers, res.text, opts.bytes);
    return res;
  }
  async function watch(path: string, query: Record<string, string | undefined>, onEvent: (event: any) => boolean, idleMs: number, signal?: AbortSignal): Promise<boolean | null> {
    const url = new URL(server + path);
    for (const [k, v] of Object.entries({ ...query, watch: 'true' })) if (v !== undefined) url.searchParams.set(k, v);
    const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...extraHeaders }, ...tls };
    await kc.applyToHTTPSOptions(options);
    Object.assign(options.headers as Record<string, string>, extraHeaders);
    const secure = url.protocol === 'https:';
    const mod = secure ? https : http;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (v: boolean | null) => {
        clearTimeout(timer);
        req.destroy();
        resolve(v);
      };
      const idle = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(false), idleMs);
      };
      const req = mod.request(url, { ...options, agent: false, signal }, (res) => {
        if ((res.statusCode ?? 0) > 299) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            const headers: [string, string][] = [];
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
            reject(new ApiException(res.statusCode ?? 0, res.statusMessage ?? '', headers, Buffer.concat(chunks).toString('utf8')));
          });
          return;
        }
        let buffered = '';
        res.on('data', (c: Buffer) => {
          idle();
          buffered += c.toString('utf8');
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (!line) continue;
            try {
              if (onEvent(JSON.parse(line))) return finish(true);
            } catch (err) {
              clearTimeout(timer);
              req.destroy();
              return reject(err);
            }
          }
        });
        res.on('end', () => finish(null));
      });
      idle();
      req.on('error', (err) => {
        clearTimeout(timer);
        // after finish() the promise is settled: a late error changes nothing
        reject(signal?.aborted ? err : unreachable(url, err as NodeJS.ErrnoException));
      });
      req.end();
    });
  }

  return {
    server,
    kubeConfig: kc,
    request,
    json: async (method, path, opts) => JSON.parse((await request(method, path, opts)).text),
    watch,
  };
}

function send(mod: typeof http | typeof https, url: URL, options: https.RequestOptions, payload?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = mod.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const headers: [string, string][] = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', (err) => reject(options.signal?.aborted ? err : unreachable(url, err as NodeJS.ErrnoException)));
    req.end(payload);
  });
}

const ERRNO: Record<string, number> = { ECONNREFUSED: 111, ECONNRESET: 104, EHOSTUNREACH: 113, ETIMEDOUT: 110, ENETUNREACH: 101 };

/** urllib3's MaxRetryError, as the reference fails when the API server cannot be reached. */
function unreachable(url: URL, err: NodeJS.ErrnoException): Error {
  const secure = url.protocol === 'https:';
  const port = url.port || (secure ? '443' : '80');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const conn = `${secure ? 'HTTPS' : 'HTTP'}Connection(host=${pythonRepr(host)}, port=${port})`;
  const errno = err.code ? ERRNO[err.code] : undefined;
  const cause =
    errno !== undefined
      ? `NewConnectionError("${conn}: Failed to establish a new connection: [Errno ${errno}] ${err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message}")`
      : err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT') || /certificate/i.test(err.message)
        ? `SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${err.message}'))`
        : `ProtocolError('Connection aborted.', ${pythonRepr(err.message)})`;
  return new PythonException(
    'urllib3.exceptions.MaxRetryError',
    `${secure ? 'HTTPS' : 'HTTP'}ConnectionPool(host=${pythonRepr(host)}, port=${port}): Max retries exceeded with url: ${url.pathname}${url.search} (Caused by ${cause})`,
  );
}

/** load_incluster_config's own checks, with its messages. */
function inClusterChecks(root: string): void {
  const env = process.env;
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) throw configException('Service host/port is not set.');
  const dir = join(root || '/', 'var/run/secrets/kubernetes.io/serviceaccount');
  const token = join(dir, 'token');
  if (!existsSync(token)) throw configException('Service token file does not exist.');
  if (!readFileSync(token, 'utf8').trim()) throw configException('Token file exists but empty.');
  if (!existsSync(join(dir, 'ca.crt'))) throw configException('Service certification file does not exist.');
}
