// The real PyYAML and json modules of the reference (.peers/venv) as an oracle: one python process per batch.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PYTHON = fileURLToPath(new URL('../../.peers/venv/bin/python', import.meta.url));

// scripts/setup-test-peers.sh installs it; without it the suites fail loudly instead of skipping
if (!existsSync(PYTHON)) throw new Error('the reference venv (.peers/venv) is missing: run scripts/setup-test-peers.sh');

export type Outcome =
  /** the value as the reference journals it (json.dumps with chaostoolkit's encoder), parsed back */
  | { ok: unknown }
  /** `mark` is PyYAML's problem mark or json's position, 1-based */
  | { error: string; message: string; line?: number; column?: number };

const SCRIPT = `
import json, sys, yaml
from chaostoolkit import encoder
mode = sys.argv[1]
out = []
for text in json.load(sys.stdin):
    try:
        value = yaml.safe_load(text) if mode == "yaml" else json.loads(text)
        out.append({"ok": json.loads(json.dumps(value, default=encoder))})
    except Exception as e:
        r = {"error": type(e).__name__, "message": str(e).split("\\n")[0]}
        mark = getattr(e, "problem_mark", None)
        if mark is not None:
            r["line"], r["column"] = mark.line + 1, mark.column + 1
        if hasattr(e, "lineno"):
            r["line"], r["column"], r["message"] = e.lineno, e.colno, e.msg
        out.append(r)
print(json.dumps(out))
`;

/** What the reference makes of each text: PyYAML safe_load or json.loads, then the journal's JSON encoding. */
export function reference(mode: 'yaml' | 'json', texts: string[]): Outcome[] {
  const stdout = execFileSync(PYTHON, ['-c', SCRIPT, mode], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(stdout) as Outcome[];
}
