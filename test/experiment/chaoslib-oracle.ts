// Runs chaoslib (the reference, in .peers/venv) on a table of cases in one python process, so tests compare against
// the real thing. Each case's result, or {error, message} when it raised, comes back as JSON; bytes come back as
// {$bytes: [...]} and non-finite floats as {$float: "inf" | "-inf" | "nan"} (see normalize()).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHON = fileURLToPath(new URL('../../.peers/venv/bin/python', import.meta.url));

const PRELUDE = `
import json, math, sys
def enc(o):
    if isinstance(o, bytes): return {"$bytes": list(o)}
    if isinstance(o, float) and not math.isfinite(o): return {"$float": repr(o)}
    if isinstance(o, dict): return {k: enc(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return [enc(v) for v in o]
    return o
out = []
for case in json.load(sys.stdin):
    try:
        out.append({"ok": enc(run(case))})
    except Exception as e:
        out.append({"error": type(e).__name__, "message": str(e)})
print(json.dumps(out))
`;

export type OracleResult = { ok: unknown } | { error: string; message: string };

/** `body` defines `run(case)`; cases go through JSON. */
export function chaoslib(body: string, cases: unknown[], env: NodeJS.ProcessEnv = process.env): OracleResult[] {
  const script = `${body}\n${PRELUDE}`;
  const stdout = execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(cases), env, encoding: 'utf8' });
  return JSON.parse(stdout) as OracleResult[];
}

/** Our values in the oracle's encoding. */
export function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: [...v] };
  if (typeof v === 'number' && !Number.isFinite(v)) return { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}
