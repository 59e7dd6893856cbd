// Console and log-file logging in the Chaos Toolkit's shape: `[YYYY-MM-DD HH:MM:SS LEVEL] msg` on stderr
// (stdout stays clean for --json output), JSON lines with --log-format json, and a debug-level log file.
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';

export type Level = 'debug' | 'info' | 'warning' | 'error' | 'critical';
const RANK: Record<Level, number> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };
const COLOR: Record<Level, string> = { debug: '\x1b[36m', info: '\x1b[32m', warning: '\x1b[33m', error: '\x1b[31m', critical: '\x1b[1;31m' };

export interface LogOptions {
  /** console threshold: debug with --verbose, info otherwise */
  verbose: boolean;
  format: 'string' | 'json';
  /** log file path, or null for --no-log-file */
  file: string | null;
  fileLevel: Level;
}

interface State extends LogOptions {
  fd: number | null;
  color: boolean;
  /** extra sink, e.g. the live progress view, which takes over console lines while it draws */
  sink: ((level: Level, line: string) => void) | null;
}

const state: State = { verbose: false, format: 'string', file: null, fileLevel: 'debug', fd: null, color: false, sink: null };

export function configureLog(opts: LogOptions): void {
  closeLog();
  Object.assign(state, opts);
  state.color = stderrIsTerminal() && !process.env.NO_COLOR;
  if (opts.file) state.fd = openSync(opts.file, 'a');
}

export function closeLog(): void {
  flushLogFile();
  if (state.fd !== null) closeSync(state.fd);
  state.fd = null;
}

// Log-file lines of one turn of the event loop go out in one write: an activity logs several lines, and each
// write(2) costs more than the line. Flushed at the end of the turn, at exit and when closed; a SIGKILL can lose
// at most the lines of the turn it interrupts.
let pending = '';
let flushing: NodeJS.Immediate | null = null;
let exitHook = false;

function flushLogFile(): void {
  if (flushing) clearImmediate(flushing);
  flushing = null;
  if (!pending || state.fd === null) return;
  const text = pending;
  pending = '';
  writeSync(state.fd, text);
}

function appendLogFile(line: string): void {
  pending += line;
  if (pending.length > 65536) return flushLogFile();
  if (!exitHook) {
    exitHook = true;
    process.on('exit', flushLogFile);
  }
  flushing ??= setImmediate(flushLogFile);
}

/** Route console lines through another writer (null restores stderr). */
export function setConsoleSink(sink: State['sink']): void {
  state.sink = sink;
}

/** Whether a message at `level` goes anywhere (console or log file): lets callers skip building costly messages. */
export function isLogged(level: Level): boolean {
  const console = RANK[level] >= (state.verbose ? RANK.debug : RANK.info);
  return console || (state.fd !== null && RANK[level] >= RANK[state.fileLevel]);
}

/**
 * Straight to fd 2: touching `process.stderr` builds a stream (and loads net/tty) which costs every short command
 * several milliseconds of start-up.
 */
export function writeStderr(text: string): void {
  writeFd(2, text);
}

/** stdout for command results (--json and friends), by the same route. */
export function writeStdout(text: string): void {
  writeFd(1, text);
}

function writeFd(fd: 1 | 2, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // EAGAIN on a non-blocking pipe: fall back to the stream, which buffers
    (fd === 1 ? process.stdout : process.stderr).write(text);
  }
}

/** isatty(2) without loading node:tty: a terminal is a character device (so is /dev/null, where colour is harmless). */
function stderrIsTerminal(): boolean {
  try {
    return fstatSync(2).isCharacterDevice();
  } catch {
    return false;
  }
}

function stamp(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

function emit(level: Level, message: string, fields?: Record<string, unknown>): void {
  const now = new Date();
  if (RANK[level] >= (state.verbose ? RANK.debug : RANK.info)) {
    let line: string;
    if (state.format === 'json') {
      line = JSON.stringify({ ts: now.toISOString(), level, message, ...fields });
    } else {
      const tag = `[${stamp(now)} ${level.toUpperCase()}]`;
      line = state.color ? `${COLOR[level]}${tag}\x1b[0m ${message}` : `${tag} ${message}`;
    }
    if (state.sink) state.sink(level, line);
    else writeStderr(line + '\n');
  }
  if (state.fd !== null && RANK[level] >= RANK[state.fileLevel]) {
    const line =
      state.format === 'json'
        ? JSON.stringify({ ts: now.toISOString(), level, message, ...fields })
        : `[${stamp(now)} ${level.toUpperCase()}] ${message}`;
    appendLogFile(line + '\n');
  }
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => emit('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => emit('info', m, f),
  warning: (m: string, f?: Record<string, unknown>) => emit('warning', m, f),
  error: (m: string, f?: Record<string, unknown>) => emit('error', m, f),
  critical: (m: string, f?: Record<string, unknown>) => emit('critical', m, f),
};
