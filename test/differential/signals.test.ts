// §12 interruptions: signals sent while a `sleep` runs (the harness waits for the sleeper's 'started' marker).
import type { Row } from './harness.ts';
import { defineRows } from './rows.ts';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2'];

const inMethod: Row[] = SIGNALS.flatMap((signal): Row[] => [
  {
    name: `${signal} during a method sleep → interrupted, sleeper record without status, after-hypothesis and default rollbacks skipped, exit 1`,
    experiment: 'signal.json',
    signal,
    expect: { exit: 1, status: 'interrupted', deviated: false, before: true, after: null, run: ['succeeded', '(absent)'], rollbacks: [] },
  },
  {
    name: `${signal} during a method sleep with --rollback-strategy always → rollbacks ${signal === 'SIGUSR2' ? 'still skipped (ungraceful exit)' : 'played'}`,
    experiment: 'signal.json',
    signal,
    args: ['--rollback-strategy', 'always'],
    expect: { exit: 1, status: 'interrupted', after: null, run: ['succeeded', '(absent)'], rollbacks: signal === 'SIGUSR2' ? [] : ['rollback'] },
  },
]);

const elsewhere: Row[] = [
  ...SIGNALS.map(
    (signal): Row => ({
      name: `${signal} during a rollback sleep → interrupted, remaining rollbacks not played, partial list kept`,
      experiment: 'signal-rollback.json',
      signal,
      expect: { exit: 1, status: 'interrupted', deviated: false, after: true, run: ['succeeded'], rollbacks: ['first-rollback', 'sleeping-rollback'] },
    }),
  ),
  {
    name: 'SIGTERM while a background activity runs → the background activity is awaited (its record completes)',
    experiment: 'signal-background.yaml',
    signal: 'SIGTERM',
    expect: { exit: 1, status: 'interrupted', run: ['succeeded', '(absent)'], rollbacks: [] },
  },
  {
    name: 'SIGUSR2 while a background activity runs → not awaited (its record has no status in the journal)',
    experiment: 'signal-background.yaml',
    signal: 'SIGUSR2',
    expect: { exit: 1, status: 'interrupted', run: ['(absent)', '(absent)'], rollbacks: [] },
  },
];

defineRows('§12 signals during the method', inMethod);
defineRows('§12 signals during rollbacks and background activities', elsewhere);
