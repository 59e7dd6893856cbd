// §11 "Outcomes and exit codes": one experiment per row of the table.
import { defineRows } from './rows.ts';

defineRows('§11 outcomes and exit codes', [
  {
    name: 'all met → completed, not deviated, rollbacks run, exit 0',
    experiment: 'all-met.json',
    expect: { exit: 0, status: 'completed', deviated: false, before: true, after: true, run: ['succeeded', 'succeeded'], rollbacks: ['say-goodbye'] },
  },
  {
    name: 'after-hypothesis missed → completed, deviated, rollbacks run, exit 1',
    experiment: 'after-missed.yaml',
    expect: { exit: 1, status: 'completed', deviated: true, before: true, after: false, rollbacks: ['heal-the-service'] },
  },
  {
    name: 'method activity raises ActivityFailed → completed, entry failed with exception, rollbacks run, exit 0',
    experiment: 'method-failed.json',
    expect: { exit: 0, status: 'completed', deviated: false, run: ['failed', 'failed', 'succeeded'], rollbacks: ['rollback-runs'] },
  },
  {
    name: 'gate tolerance missed → completed, method skipped, rollbacks run, exit 0',
    experiment: 'gate-missed.yaml',
    expect: { exit: 0, status: 'completed', deviated: false, before: false, after: null, tolerances: [true, false], run: [], rollbacks: ['rollback-after-gate-miss'] },
  },
  {
    name: 'gate probe raised → failed, rollbacks skipped, exit 1',
    experiment: 'gate-raised.json',
    expect: { exit: 1, status: 'failed', deviated: false, before: false, after: null, tolerances: [false], run: [], rollbacks: [] },
  },
  {
    name: 'unexpected method error: bad ref with --no-validation → aborted, rollbacks run, exit 1',
    experiment: 'bad-ref.json',
    args: ['--no-validation'],
    expect: { exit: 1, status: 'aborted', deviated: false, after: null, run: ['succeeded'], rollbacks: ['rollback'] },
  },
  {
    name: 'unexpected method error: missing binary with --no-validation → aborted, rollbacks run, exit 1',
    experiment: 'missing-binary.yaml',
    args: ['--no-validation'],
    expect: { exit: 1, status: 'aborted', deviated: false, after: null, rollbacks: ['rollback'] },
  },
  {
    name: 'missing binary with string arguments and --no-validation: the shell runs the literal path None → exit status 127, completed, exit 0',
    experiment: 'missing-binary-shell.yaml',
    args: ['--no-validation'],
    expect: { exit: 0, status: 'completed', deviated: false, run: ['succeeded', 'succeeded'], rollbacks: ['rollback'] },
  },
  {
    name: 'interrupted (SIGTERM during the method) → interrupted, record without status, rollbacks skipped, exit 1',
    experiment: 'signal.json',
    signal: 'SIGTERM',
    expect: { exit: 1, status: 'interrupted', deviated: false, before: true, after: null, run: ['succeeded', '(absent)'], rollbacks: [] },
  },
  {
    name: 'validation error (bad ref without --no-validation) → no journal, exit 1',
    experiment: 'bad-ref.json',
    expect: { exit: 1, status: null },
  },
  {
    name: 'click usage error: an unknown --dry mode → no journal, exit 2',
    experiment: 'all-met.json',
    args: ['--dry', 'everything'],
    expect: { exit: 2, status: null },
  },
  {
    name: 'click usage error: skip is not a --hypothesis-strategy choice → no journal, exit 2',
    experiment: 'all-met.json',
    args: ['--hypothesis-strategy', 'skip'],
    expect: { exit: 2, status: null },
  },
  {
    name: 'click usage error: a --var-file that does not exist → no journal, exit 2',
    experiment: 'all-met.json',
    args: ['--var-file', 'missing.json'],
    expect: { exit: 2, status: null },
  },
]);
