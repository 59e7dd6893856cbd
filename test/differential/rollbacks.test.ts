// §10 rollback strategies: each strategy against each way a run can end, then where the strategy comes from
// (settings < experiment runtime < --rollback-strategy, with the runtime block resetting both strategies).
import type { Expectation, Row } from './harness.ts';
import { defineRows } from './rows.ts';

const ENDINGS: { ending: string; experiment: string; signal?: NodeJS.Signals; expect: Expectation; rollback: string }[] = [
  { ending: 'completed', experiment: 'all-met.json', rollback: 'say-goodbye', expect: { exit: 0, status: 'completed', deviated: false } },
  { ending: 'deviated', experiment: 'after-missed.yaml', rollback: 'heal-the-service', expect: { exit: 1, status: 'completed', deviated: true } },
  { ending: 'failed', experiment: 'gate-raised.json', rollback: 'rollback', expect: { exit: 1, status: 'failed', deviated: false } },
  { ending: 'interrupted (SIGTERM)', experiment: 'signal.json', signal: 'SIGTERM', rollback: 'rollback', expect: { exit: 1, status: 'interrupted', deviated: false } },
];

const PLAYS: Record<string, (ending: string) => boolean> = {
  default: (e) => e === 'completed' || e === 'deviated',
  always: () => true,
  never: () => false,
  deviated: (e) => e === 'deviated',
};

const table: Row[] = Object.entries(PLAYS).flatMap(([strategy, plays]) =>
  ENDINGS.map(({ ending, experiment, signal, expect, rollback }) => ({
    name: `${strategy} × ${ending} → rollbacks ${plays(ending) ? 'played' : 'skipped'}`,
    experiment,
    signal,
    args: strategy === 'default' ? [] : ['--rollback-strategy', strategy],
    expect: { ...expect, rollbacks: plays(ending) ? [rollback] : [] },
  })),
);

const settings = (yaml: string) => ({ globalArgs: ['--settings', 'settings.yaml'], files: { 'settings.yaml': yaml } });
const ALWAYS = 'runtime:\n  rollbacks:\n    strategy: always\n';

const precedence: Row[] = [
  {
    name: 'settings alone: runtime.rollbacks.strategy always plays rollbacks after a failed run',
    experiment: 'gate-raised.json',
    ...settings(ALWAYS),
    expect: { exit: 1, status: 'failed', rollbacks: ['rollback'] },
  },
  {
    name: 'experiment runtime beats settings: never wins over settings always',
    experiment: 'gate-raised-runtime-never.json',
    ...settings(ALWAYS),
    expect: { exit: 1, status: 'failed', rollbacks: [] },
  },
  {
    name: '--rollback-strategy beats the experiment runtime: always wins over runtime never',
    experiment: 'gate-raised-runtime-never.json',
    args: ['--rollback-strategy', 'always'],
    expect: { exit: 1, status: 'failed', rollbacks: ['rollback'] },
  },
  {
    name: 'runtime resets both: a runtime block with only a hypothesis strategy resets settings always to default',
    experiment: 'gate-raised-runtime-hypothesis.yaml',
    ...settings(ALWAYS),
    expect: { exit: 1, status: 'failed', rollbacks: [] },
  },
  {
    name: 'settings alone: runtime.hypothesis.strategy before-method-only hides the deviation',
    experiment: 'after-missed.yaml',
    ...settings('runtime:\n  hypothesis:\n    strategy: before-method-only\n'),
    expect: { exit: 0, status: 'completed', deviated: false, after: null },
  },
  {
    name: 'runtime resets both: a runtime block with only a rollback strategy resets the settings hypothesis strategy to default',
    experiment: 'after-missed-runtime-rollbacks.yaml',
    ...settings('runtime:\n  hypothesis:\n    strategy: before-method-only\n'),
    expect: { exit: 1, status: 'completed', deviated: true, after: false, rollbacks: ['heal-the-service'] },
  },
  {
    name: 'experiment runtime hypothesis strategy before-method-only hides the deviation',
    experiment: 'after-missed-runtime-hypothesis.yaml',
    expect: { exit: 0, status: 'completed', deviated: false, after: null, rollbacks: ['heal-the-service'] },
  },
  {
    name: '--hypothesis-strategy beats the experiment runtime',
    experiment: 'after-missed-runtime-hypothesis.yaml',
    args: ['--hypothesis-strategy', 'default'],
    expect: { exit: 1, status: 'completed', deviated: true, after: false },
  },
  {
    name: 'an unknown rollback strategy in the experiment runtime silently plays no rollbacks',
    experiment: 'all-met-runtime-unknown.json',
    expect: { exit: 0, status: 'completed', deviated: false, rollbacks: [] },
  },
];

defineRows('§10 rollback strategies × run endings', table);
defineRows('§10 strategy precedence: settings < experiment runtime < flags', precedence);
