// The error vocabulary shared by every layer. Names follow chaoslib's exceptions.
import type { JsonPath, Location } from './experiment/types.ts';

/** One thing wrong with an experiment, a settings file or an argument, with where it is. */
export interface Problem {
  message: string;
  /** JSON path inside the document, e.g. ["method", 0, "provider", "type"]. */
  path: JsonPath;
  /** file:line:col, filled in when the document came from a file or URL we can point into. */
  location?: Location;
}

/** Raised for any error the user can fix; the CLI prints `message` on one line, no stack unless --verbose. */
export class ChaosError extends Error {
  override name = 'ChaosError';
}

/** The source could not be read or parsed (chaoslib's InvalidSource). */
export class InvalidSource extends ChaosError {
  override name = 'InvalidSource';
}

/** The experiment is invalid; carries every problem found, not only the first. */
export class InvalidExperiment extends ChaosError {
  override name = 'InvalidExperiment';
  readonly problems: Problem[];
  constructor(problems: Problem[] | string) {
    const list = typeof problems === 'string' ? [{ message: problems, path: [] }] : problems;
    super(list.map(formatProblem).join('\n'));
    this.problems = list;
  }
}

/** An activity failed; the run goes on and the journal records `exception`. */
export class ActivityFailed extends ChaosError {
  override name = 'ActivityFailed';
}

/** Interrupts the run (from a control, a signal or the continuous hypothesis). */
export class InterruptExecution extends ChaosError {
  override name = 'InterruptExecution';
}

/** `file:line:col: message (at $.a.b[0])`, or the bare message when there is nothing to point at. */
export function formatProblem(p: Problem): string {
  const where = p.location ? `${p.location.source}:${p.location.line}:${p.location.column}: ` : '';
  const at = p.path.length ? ` (at ${formatPath(p.path)})` : '';
  return `${where}${p.message}${at}`;
}

/** JSONPath notation for a path: $.method[0].provider["odd key"] */
export function formatPath(path: JsonPath): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
