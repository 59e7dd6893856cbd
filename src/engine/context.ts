// Everything one run of an experiment shares between its phases.
import type { Activity, Configuration, Experiment, Secrets } from '../experiment/types.ts';
import type { Journal } from '../journal/journal.ts';
import type { RunLedger } from '../ledger/run-ledger.ts';
import type { Settings } from '../settings/settings.ts';
import type { Controls } from './controls.ts';
import type { RunEvents } from './events.ts';
import type { Interruption } from './interruption.ts';
import type { Strategies } from './strategy.ts';

/** `--dry`: which activities are not executed (`pause` executes everything but skips pauses). */
export type Dry = 'probes' | 'actions' | 'activities' | 'pause';

export interface Schedule {
  /** seconds between two continuous hypothesis checks */
  frequency: number;
  failFast: boolean;
  /** percentage of failed iterations that fails the run; the CLI always passes 0 (the first failure) */
  failFastRatio: number;
}

export interface RunContext {
  experiment: Experiment;
  configuration: Configuration;
  secrets: Secrets;
  settings: Settings;
  dry: Dry | null;
  strategies: Strategies;
  schedule: Schedule;
  controls: Controls;
  interruption: Interruption;
  events: RunEvents;
  journal: Journal;
  /** `ref` targets: method activities, then hypothesis probes (a probe wins a name clash); rollbacks are not there */
  refs: Map<string, Activity>;
  /** the fault ledger native driver actions record into (none: faults are not recorded) */
  ledger?: RunLedger | null;
}

export function buildRefCache(experiment: Experiment): Map<string, Activity> {
  const refs = new Map<string, Activity>();
  const lot = [...(experiment.method ?? []), ...(experiment['steady-state-hypothesis']?.probes ?? [])];
  for (const a of lot) {
    const name = (a as Activity).name;
    if (name) refs.set(name, a as Activity);
  }
  return refs;
}
