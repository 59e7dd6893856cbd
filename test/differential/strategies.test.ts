// §10 hypothesis strategies, with and without --fail-fast (frequency 0.2 s to keep runs short).
import type { Row } from './harness.ts';
import { defineRows } from './rows.ts';

const FREQ = ['--hypothesis-frequency', '0.2'];
const strategy = (s: string, ...more: string[]) => ['--hypothesis-strategy', s, ...FREQ, ...more];

const deviates: Row[] = [
  {
    name: 'default: before and after, after missed → deviated, exit 1',
    experiment: 'strategy-deviates.json',
    args: FREQ,
    expect: { exit: 1, status: 'completed', deviated: true, before: true, during: 'none', after: false, run: ['succeeded', 'succeeded'], rollbacks: ['repair'] },
  },
  {
    name: 'default + --fail-fast: no continuous check, so fail-fast changes nothing',
    experiment: 'strategy-deviates.json',
    args: [...FREQ, '--fail-fast'],
    expect: { exit: 1, status: 'completed', deviated: true, before: true, during: 'none', after: false, rollbacks: ['repair'] },
  },
  {
    name: 'before-method-only: the break goes unseen → completed, exit 0',
    experiment: 'strategy-deviates.json',
    args: strategy('before-method-only'),
    expect: { exit: 0, status: 'completed', deviated: false, before: true, during: 'none', after: null, rollbacks: ['repair'] },
  },
  {
    name: 'after-method-only: no gate, after missed → deviated, exit 1',
    experiment: 'strategy-deviates.json',
    args: strategy('after-method-only'),
    expect: { exit: 1, status: 'completed', deviated: true, before: null, during: 'none', after: false, rollbacks: ['repair'] },
  },
  {
    name: 'during-method-only: misses during the method never set deviated → completed, rollbacks run, exit 0',
    experiment: 'strategy-deviates.json',
    args: strategy('during-method-only'),
    expect: { exit: 0, status: 'completed', deviated: false, before: null, during: 'some missed', after: null, run: ['succeeded', 'succeeded'], rollbacks: ['repair'] },
  },
  {
    name: 'during-method-only + --fail-fast → failed, method stops after its current activity, rollbacks skipped, exit 1',
    experiment: 'strategy-deviates.json',
    args: strategy('during-method-only', '--fail-fast'),
    expect: { exit: 1, status: 'failed', deviated: false, before: null, during: 'some missed', after: null, run: ['succeeded'], rollbacks: [] },
  },
  {
    name: 'continuously: before, during and after; after missed → deviated, exit 1',
    experiment: 'strategy-deviates.json',
    args: strategy('continuously'),
    expect: { exit: 1, status: 'completed', deviated: true, before: true, during: 'some missed', after: false, run: ['succeeded', 'succeeded'], rollbacks: ['repair'] },
  },
  {
    name: 'continuously + --fail-fast → the after-hypothesis overwrites failed: completed, deviated, rollbacks run, exit 1',
    experiment: 'strategy-deviates.json',
    args: strategy('continuously', '--fail-fast'),
    expect: { exit: 1, status: 'completed', deviated: true, before: true, during: 'some missed', after: false, run: ['succeeded'], rollbacks: ['repair'] },
  },
  {
    name: 'continously (the accepted misspelling) behaves as continuously',
    experiment: 'strategy-deviates.json',
    args: strategy('continously'),
    expect: { exit: 1, status: 'completed', deviated: true, before: true, during: 'some missed', after: false, rollbacks: ['repair'] },
  },
  {
    name: 'continously + --fail-fast behaves as continuously + --fail-fast',
    experiment: 'strategy-deviates.json',
    args: strategy('continously', '--fail-fast'),
    expect: { exit: 1, status: 'completed', deviated: true, before: true, during: 'some missed', after: false, run: ['succeeded'], rollbacks: ['repair'] },
  },
  {
    name: 'skip via the experiment runtime: no hypothesis at all → completed, exit 0',
    experiment: 'strategy-skip.json',
    args: FREQ,
    expect: { exit: 0, status: 'completed', deviated: false, before: null, during: 'none', after: null, run: ['succeeded', 'succeeded'], rollbacks: ['repair'] },
  },
];

const steady: Row[] = [
  {
    name: 'during-method-only + --fail-fast, all checks met → completed, exit 0',
    experiment: 'strategy-steady.yaml',
    args: strategy('during-method-only', '--fail-fast'),
    expect: { exit: 0, status: 'completed', deviated: false, before: null, during: 'all met', after: null, run: ['succeeded', 'succeeded'], rollbacks: ['tidy-up'] },
  },
  {
    name: 'continuously + --fail-fast, all checks met → completed, exit 0',
    experiment: 'strategy-steady.yaml',
    args: strategy('continuously', '--fail-fast'),
    expect: { exit: 0, status: 'completed', deviated: false, before: true, during: 'all met', after: true, rollbacks: ['tidy-up'] },
  },
  {
    name: 'after-method-only, met → completed, exit 0',
    experiment: 'strategy-steady.yaml',
    args: strategy('after-method-only'),
    expect: { exit: 0, status: 'completed', deviated: false, before: null, during: 'none', after: true },
  },
];

defineRows('§10 hypothesis strategies: a method that breaks the system', deviates);
defineRows('§10 hypothesis strategies: a method that keeps it steady', steady);
