// Safeguards (chaostoolkit-addons' chaosaddons.controls.safeguards): the reference runs the real Python control;
// Turbulence runs its native one (Python is made unavailable, so the bridge cannot stand in for it). Outcomes,
// journals and exit codes must agree for each way a safeguard can run: before the experiment, once in the
// background, repeatedly, and all passing.
import type { Row } from './harness.ts';
import { defineRows } from './rows.ts';

const native = { TURBULENCE_PYTHON: '/nonexistent/python3' };

const rows: Row[] = [
  {
    name: 'a pre-check outside its tolerance → interrupted before the method, no rollbacks, exit 1',
    experiment: 'safeguards-once.json',
    env: native,
    expect: { exit: 1, status: 'interrupted', deviated: false, run: [], rollbacks: [] },
  },
  {
    name: 'a background safeguard failing mid-method → interrupted, the sleeper record without status, exit 1',
    experiment: 'safeguards-background.json',
    env: native,
    expect: { exit: 1, status: 'interrupted', run: ['succeeded', '(absent)'], rollbacks: [] },
  },
  {
    name: 'a background safeguard failing mid-method with --rollback-strategy always → rollbacks played',
    experiment: 'safeguards-background.json',
    env: native,
    args: ['--rollback-strategy', 'always'],
    expect: { exit: 1, status: 'interrupted', run: ['succeeded', '(absent)'], rollbacks: ['rollback'] },
  },
  {
    name: 'a repeating safeguard failing once the method raised its flag → interrupted during the sleeper, exit 1',
    experiment: 'safeguards-frequency.json',
    env: native,
    expect: { exit: 1, status: 'interrupted', run: ['succeeded', 'succeeded', '(absent)'], rollbacks: [] },
  },
  {
    name: 'pre-check, background and repeating safeguards all passing → completed, rollbacks played, exit 0',
    experiment: 'safeguards-passing.json',
    env: native,
    expect: { exit: 0, status: 'completed', deviated: false, run: ['succeeded', 'succeeded', 'succeeded'], rollbacks: ['rollback'] },
  },
];

defineRows('chaosaddons safeguards (native)', rows);
