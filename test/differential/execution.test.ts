// §12 dry runs and background activities, §2 pauses and the ignored JSON `dry` flag, §7 refs.
import type { Row } from './harness.ts';
import { defineRows } from './rows.ts';

// dry-pauses.yaml pauses 0.6 s in all around its 'act' action; a run that skips them lasts far less.
const PAUSES = 0.5;

const dry: Row[] = [
  {
    name: 'no --dry: everything runs, pauses taken, the after-hypothesis sees the action → deviated, exit 1',
    experiment: 'dry-pauses.yaml',
    pauseThreshold: PAUSES,
    expect: { exit: 1, status: 'completed', deviated: true, after: false, run: ['succeeded', 'succeeded', 'succeeded'], pausesTaken: true },
  },
  {
    name: '--dry probes: probes not executed (output null, tolerance skipped), actions and their pauses run → completed, exit 0',
    experiment: 'dry-pauses.yaml',
    args: ['--dry', 'probes'],
    pauseThreshold: PAUSES,
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, rollbacks: ['heal'], pausesTaken: true },
  },
  {
    name: '--dry actions: actions not executed and their pauses skipped → completed, exit 0',
    experiment: 'dry-pauses.yaml',
    args: ['--dry', 'actions'],
    pauseThreshold: PAUSES,
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, rollbacks: ['heal'], pausesTaken: false },
  },
  {
    name: '--dry activities: nothing executed, every record succeeded with output null → completed, exit 0',
    experiment: 'dry-pauses.yaml',
    args: ['--dry', 'activities'],
    pauseThreshold: PAUSES,
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['succeeded', 'succeeded', 'succeeded'], pausesTaken: false },
  },
  {
    name: '--dry pause: everything executed without pauses → deviated, exit 1',
    experiment: 'dry-pauses.yaml',
    args: ['--dry', 'pause'],
    pauseThreshold: PAUSES,
    expect: { exit: 1, status: 'completed', deviated: true, after: false, pausesTaken: false },
  },
];

const activities: Row[] = [
  {
    name: 'background activities: records appended at start, awaited before the after-hypothesis; JSON dry flag ignored',
    experiment: 'activities.json',
    expect: {
      exit: 0,
      status: 'completed',
      before: null,
      after: true,
      run: ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
      stdout: ['worked\n', 'foreground\n', 'ran anyway\n'],
      rollbacks: ['background-rollback', 'foreground-rollback'],
    },
  },
  {
    name: 'refs: method refs to method and hypothesis activities, a duplicate name resolves to the probe, hypothesis and rollback refs',
    experiment: 'refs.json',
    expect: {
      exit: 0,
      status: 'completed',
      tolerances: [true, true, true],
      stdout: ['hello\n', 'method dup\n', 'hello\n', 'hypothesis dup\n'],
      rollbacks: ['greet'],
    },
  },
];

defineRows('§12 --dry modes and §2 pauses', dry);
defineRows('§12 background activities and §7 refs', activities);
