// The processes a process action hits: those the selector (pid, name, pattern, port) matches, narrowed by the
// blast-radius arguments (mode, quantity, seed, allow, deny). The same choice serves the action, its preflight and
// `--dry`'s target list, so a dry run with a seed names exactly the processes a real run with that seed hits.
import { ActivityFailed } from '../../errors.ts';
import { isNarrowed, selectTargets, selectionFrom } from '../targets.ts';
import { describeProcess, describeSelector, findProcesses, selector } from './procfs.ts';

export interface ProcessTarget {
  pid: number;
  name: string;
  cmdline: string;
}

/** The selected processes, by pid; throws ActivityFailed when none is left (naming what narrowed them away). */
export function selectProcesses(args: Record<string, unknown>): ProcessTarget[] {
  const s = selector(args);
  const selection = selectionFrom(args);
  const sheltered = { count: 0 };
  const matched = findProcesses(s, sheltered);
  if (matched.length === 0) {
    const why = sheltered.count
      ? ` (${sheltered.count} matching process${sheltered.count > 1 ? 'es are' : ' is'} in Turbulence's own process group, never selected: start targets in another session, e.g. with setsid)`
      : '';
    throw new ActivityFailed(`no process matches ${describeSelector(s)}${why}`);
  }
  // pid order: the seed's picks must not depend on the order /proc lists them in
  const candidates = [...new Set(matched)].sort((a, b) => a - b).map(describeProcess);
  const chosen = selectTargets(candidates, selection, (p) => ({
    id: p.pid,
    names: [p.name, (p.cmdline.split(' ')[0] ?? '').split('/').pop() ?? ''].filter(Boolean),
    text: p.cmdline,
  }));
  if (chosen.length === 0) {
    const why = isNarrowed(selection) ? ' once the allow/deny lists are applied' : '';
    throw new ActivityFailed(`no process matches ${describeSelector(s)}${why} (${matched.length} matched before)`);
  }
  return chosen;
}
