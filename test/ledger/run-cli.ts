// The built CLI for the ledger's CLI-level tests: `turbulence` in a directory of its own (HOME there too), with the
// state directory under it unless the test says otherwise.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/turbulence.js', import.meta.url));

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `turbulence --no-log-file ARGS` in `dir`; TURBULENCE_STATE_DIR is <dir>/state unless `env` sets it. */
export function turbulence(args: string[], dir: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, '--no-log-file', ...args],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', TURBULENCE_STATE_DIR: join(dir, 'state'), ...env } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
