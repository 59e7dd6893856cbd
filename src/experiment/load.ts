// Loading an experiment from a file or an http(s) URL, as chaoslib's loader does (same checks, same messages),
// keeping the text and a source map so that every later problem can say file:line:col.
import { readFile, stat } from 'node:fs/promises';
import { InvalidExperiment, InvalidSource, type Problem } from '../errors.ts';
import { parseDocument, DocumentSyntaxError, type ParsedDocument } from '../document/index.ts';
import type { JsonPath, Location } from './types.ts';
import { fetchSource, redactUrl } from './fetch.ts';

export interface Source {
  id: string;
  format: 'json' | 'yaml';
  text: string;
  locate(path: JsonPath): Location | undefined;
}
export interface LoadedExperiment {
  experiment: Record<string, unknown>;
  source: Source;
  warnings: Problem[];
}
export interface LoadOptions {
  verifyTls?: boolean;
  auths?: Record<string, { type?: string; value?: string }>;
  env?: NodeJS.ProcessEnv;
  /** connect and idle timeout for URLs, in milliseconds (default 30 s) */
  timeoutMs?: number;
}

const UNSUPPORTED = 'only files with json, yaml or yml extensions are supported';

export async function loadExperiment(source: string, opts: LoadOptions = {}): Promise<LoadedExperiment> {
  if (await exists(source)) return loadFile(source);
  const url = pythonUrlParse(source);
  if (!url.scheme && !(await exists(url.path))) throw new InvalidSource(`Path "${url.path}" does not exist.`);
  if (url.scheme !== 'http' && url.scheme !== 'https') throw new InvalidSource(`'${url.scheme}' is not a supported source scheme.`);

  const env = opts.env ?? process.env;
  const headers: Record<string, string> = { Accept: 'application/json, application/x-yaml' };
  const token = env.CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN;
  if (token) headers.Authorization = `bearer ${token.trim()}`;
  else {
    // settings `auths` are keyed by the URL's netloc, host[:port] as written
    const auth = opts.auths && Object.hasOwn(opts.auths, url.netloc) ? opts.auths[url.netloc] : undefined;
    if (auth) {
      if (auth.type == null || auth.value == null) {
        throw new InvalidSource(`the settings entry auths["${url.netloc}"] needs both a "type" and a "value"`);
      }
      headers.Authorization = `${auth.type} ${auth.value}`;
    }
  }
  const res = await fetchSource(source, { headers, verifyTls: opts.verifyTls ?? true, env, timeoutMs: opts.timeoutMs });
  const id = redactUrl(source);
  if (res.status !== 200) throw new InvalidSource(`Failed to fetch the experiment: ${res.text}`);

  // the response's Content-Type decides, as in chaoslib (text/plain: JSON first, then YAML)
  const type = (res.contentType ?? '').toLowerCase();
  let doc: ParsedDocument;
  if (type.includes('application/json')) doc = await parse(res.text, id, 'json');
  else if (type.includes('application/x-yaml') || type.includes('text/yaml')) doc = await parse(res.text, id, 'yaml');
  else if (type.includes('text/plain')) {
    try {
      doc = await parseDocument(res.text, id, 'json');
    } catch {
      doc = await parse(res.text, id, 'yaml');
    }
  } else {
    const got = res.contentType ? `with Content-Type "${res.contentType}"` : 'without a Content-Type';
    throw new InvalidSource(`${UNSUPPORTED} (${id} answered ${got})`);
  }
  return loaded(doc, id, res.text);
}

/** Fills `location` of each problem from the source (problems without a path location stay as they are). */
export function locateProblems(problems: Problem[], source: Source): Problem[] {
  return problems.map((p) => {
    if (p.location) return p;
    const location = source.locate(p.path);
    return location ? { ...p, location } : p;
  });
}

async function loadFile(path: string): Promise<LoadedExperiment> {
  const ext = pythonExtension(path);
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
  let text: string;
  try {
    if ((await stat(path)).isDirectory()) throw new InvalidSource(`Cannot read the experiment "${path}": it is a directory.`);
    if (!format) throw new InvalidSource(UNSUPPORTED);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof InvalidSource) throw err;
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.message;
    throw new InvalidSource(`Cannot read the experiment "${path}": ${why}.`);
  }
  return loaded(await parse(text, path, format), path, text);
}

/** Parses with chaoslib's wording for malformed experiments: `id:line:col: Failed parsing YAML experiment: ...`. */
async function parse(text: string, id: string, format: 'json' | 'yaml'): Promise<ParsedDocument> {
  try {
    return await parseDocument(text, id, format);
  } catch (err) {
    if (!(err instanceof DocumentSyntaxError)) throw err;
    const { source, line, column } = err.location;
    throw new InvalidSource(`${source}:${line}:${column}: Failed parsing ${format.toUpperCase()} experiment: ${err.detail}`);
  }
}

function loaded(doc: ParsedDocument, id: string, text: string): LoadedExperiment {
  const source: Source = { id, format: doc.format, text, locate: doc.locate };
  const value = doc.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    // chaoslib's own check for a falsy document; anything else that is not a mapping cannot be an experiment
    const empty = !value || (Array.isArray(value) && value.length === 0);
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    const message = empty ? 'an empty experiment is not an experiment' : `an experiment must be a mapping, not ${what}`;
    throw new InvalidExperiment([{ message, path: [], location: doc.locate([]) }]);
  }
  return { experiment: value as Record<string, unknown>, source, warnings: doc.warnings };
}

async function exists(path: string): Promise<boolean> {
  if (!path) return false;
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** os.path.splitext's extension: from the last dot of the file name, ignoring leading dots (".json" has none). */
function pythonExtension(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.slice(0, dot).replace(/^\.+/, '') !== '' ? name.slice(dot) : '';
}

/** The parts of Python's urllib.parse.urlparse that chaoslib's loader looks at. */
export function pythonUrlParse(url: string): { scheme: string; netloc: string; path: string } {
  let rest = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const m = /[/?#]/.exec(rest.slice(2));
    const endAt = m ? m.index + 2 : rest.length;
    netloc = rest.slice(2, endAt);
    rest = rest.slice(endAt);
  }
  rest = rest.split('#')[0]!.split('?')[0]!;
  // ";params" of the last segment are not part of the path (only the path of a scheme-less source is ever shown)
  if (!scheme) {
    const semi = rest.indexOf(';', Math.max(rest.lastIndexOf('/'), 0));
    if (semi >= 0) rest = rest.slice(0, semi);
  }
  return { scheme, netloc, path: rest };
}
