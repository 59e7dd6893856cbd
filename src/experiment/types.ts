// The Chaos Toolkit experiment format, as plain data. Unknown keys are kept (the journal copies them).

export type JsonPath = (string | number)[];

export interface Location {
  /** file path or URL */
  source: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface PythonProvider {
  type: 'python';
  module: string;
  func: string;
  arguments?: Record<string, unknown>;
  secrets?: string[];
  [key: string]: unknown;
}

export interface ProcessProvider {
  type: 'process';
  path: string;
  arguments?: string | unknown[] | Record<string, unknown>;
  timeout?: number;
  secrets?: string[];
  [key: string]: unknown;
}

export interface HttpProvider {
  type: 'http';
  url: string;
  method?: string;
  headers?: Record<string, unknown>;
  arguments?: Record<string, unknown> | unknown;
  timeout?: number | [number, number] | string;
  verify_tls?: boolean;
  max_retries?: number;
  expected_status?: number;
  secrets?: string[];
  [key: string]: unknown;
}

export type Provider = PythonProvider | ProcessProvider | HttpProvider;

export interface Pauses {
  before?: number | string;
  after?: number | string;
}

export interface Control {
  name: string;
  provider?: { type: string; module?: string; arguments?: Record<string, unknown>; secrets?: string[]; [key: string]: unknown };
  scope?: 'before' | 'after';
  automatic?: boolean;
  ref?: string;
  [key: string]: unknown;
}

export interface Activity {
  type: 'probe' | 'action';
  name: string;
  provider: Provider;
  tolerance?: unknown;
  pauses?: Pauses;
  background?: boolean;
  controls?: Control[];
  timeout?: number;
  dry?: unknown;
  [key: string]: unknown;
}

export interface Ref {
  ref: string;
}

export type ActivityOrRef = Activity | Ref;

export interface Hypothesis {
  title: string;
  probes?: ActivityOrRef[];
  controls?: Control[];
  [key: string]: unknown;
}

export interface Experiment {
  title: string;
  description: string;
  method: ActivityOrRef[];
  'steady-state-hypothesis'?: Hypothesis;
  rollbacks?: ActivityOrRef[];
  tags?: string[];
  configuration?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  controls?: Control[];
  extensions?: { name: string; [key: string]: unknown }[];
  contributions?: Record<string, string>;
  runtime?: { hypothesis?: { strategy?: string }; rollbacks?: { strategy?: string } };
  version?: string;
  dry?: string | null;
  [key: string]: unknown;
}

/** Resolved configuration: key → value (after env and dynamic values). */
export type Configuration = Record<string, unknown>;
/** Resolved secrets: scope → key → value. */
export type Secrets = Record<string, Record<string, unknown>>;

export function isRef(a: unknown): a is Ref {
  return typeof a === 'object' && a !== null && 'ref' in a;
}
