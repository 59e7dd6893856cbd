// Which Python runs the bridge: TURBULENCE_PYTHON, else the settings key `python.interpreter`, else `python3` on
// PATH (an activated venv comes first there). Found without starting anything, so that callers can ask cheaply.
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

let fromSettings: string | undefined;

/** The CLI hands the loaded settings over here, so that `python.interpreter` applies. */
export function usePythonSettings(settings: Record<string, unknown>): void {
  const python = settings.python as { interpreter?: unknown } | undefined;
  fromSettings = typeof python?.interpreter === 'string' && python.interpreter ? python.interpreter : undefined;
}

export type Interpreter = { path: string } | { missing: string };

const HOW =
  'install Python 3 with the extension in it, or point TURBULENCE_PYTHON (or the settings key python.interpreter) ' +
  "at the interpreter that has it, e.g. a venv's bin/python";

let memo: { key: string; found: Interpreter } | null = null;

/** Looked up again only when TURBULENCE_PYTHON, the settings or PATH changed (every activity asks). */
export function findInterpreter(env: NodeJS.ProcessEnv = process.env): Interpreter {
  const key = `${env.TURBULENCE_PYTHON}\0${fromSettings}\0${env.PATH}\0${process.cwd()}`;
  if (memo?.key !== key) memo = { key, found: lookUp(env) };
  return memo.found;
}

function lookUp(env: NodeJS.ProcessEnv): Interpreter {
  const [requested, origin] = env.TURBULENCE_PYTHON
    ? [env.TURBULENCE_PYTHON, 'TURBULENCE_PYTHON']
    : fromSettings
      ? [fromSettings, 'the settings key python.interpreter']
      : ['python3', ''];
  const path = locate(requested, env.PATH ?? '');
  if (path) return { path };
  if (origin) return { missing: `the Python interpreter '${requested}' named by ${origin} is not an executable file: ${HOW}` };
  return { missing: `no Python interpreter found (python3 is not on PATH): ${HOW}` };
}

/** A path (`~/venv/bin/python`, `./py`, `/usr/bin/python3`) or a command name looked up on PATH. */
function locate(command: string, pathEnv: string): string | null {
  const expanded = command.startsWith('~/') ? join(homedir(), command.slice(2)) : command;
  if (expanded.includes('/')) return isExecutable(expanded) ? (isAbsolute(expanded) ? expanded : resolve(expanded)) : null;
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, expanded);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
