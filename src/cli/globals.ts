// Global options shared by every command, and the one place that turns an error into a one-line message + exit code.
import { ChaosError } from '../errors.ts';
import { configureLog, log, type Level } from '../log.ts';

export interface GlobalOptions {
  verbose: boolean;
  versionCheck: boolean;
  changeDir?: string;
  logFile: string | false;
  logFileLevel: Level;
  logFormat: 'string' | 'json';
  settings?: string;
}

export async function applyGlobals(g: GlobalOptions): Promise<void> {
  if (g.changeDir) {
    try {
      process.chdir(g.changeDir);
    } catch {
      throw new ChaosError(`cannot change directory to '${g.changeDir}'`);
    }
  }
  try {
    configureLog({ verbose: g.verbose, format: g.logFormat, file: g.logFile || null, fileLevel: g.logFileLevel });
  } catch {
    throw new ChaosError(`cannot open the log file '${g.logFile}'`);
  }
}

/** Prints an error as one line (a stack trace only with --verbose) and returns the exit code. */
export function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof ChaosError) {
    for (const line of err.message.split('\n')) log.error(line);
    if (verbose && err.stack) log.debug(err.stack);
  } else {
    const e = err instanceof Error ? err : new Error(String(err));
    log.error(`unexpected error: ${e.message}`);
    if (verbose && e.stack) log.debug(e.stack);
  }
  return 1;
}
