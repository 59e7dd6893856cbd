import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHypothesisStrategy, resolveStrategies } from '../../src/engine/strategy.ts';
import type { Experiment } from '../../src/experiment/types.ts';

const exp = (runtime?: Experiment['runtime']): Experiment => ({ title: 't', description: 'd', method: [], runtime });

test('settings < experiment runtime < flags', () => {
  const settings = { hypothesis: { strategy: 'after-method-only' }, rollbacks: { strategy: 'never' } };
  assert.deepEqual(resolveStrategies(settings, exp(), {}), { hypothesis: 'after-method-only', rollbacks: 'never' });
  assert.deepEqual(resolveStrategies(settings, exp({ rollbacks: { strategy: 'always' } }), {}), {
    // the quirk: a runtime block resets both, defaulting the one it omits
    hypothesis: 'default',
    rollbacks: 'always',
  });
  assert.deepEqual(resolveStrategies(settings, exp({ rollbacks: { strategy: 'always' } }), { rollbacks: 'deviated', hypothesis: 'continously' }), {
    hypothesis: 'continuously',
    rollbacks: 'deviated',
  });
});

test('an empty runtime block changes nothing', () => {
  const settings = { rollbacks: { strategy: 'never' } };
  assert.equal(resolveStrategies(settings, exp({}), {}).rollbacks, 'never');
});

test('skip is accepted from the runtime, unknown strategies are an error', () => {
  assert.equal(resolveStrategies(undefined, exp({ hypothesis: { strategy: 'skip' } }), {}).hypothesis, 'skip');
  assert.throws(() => parseHypothesisStrategy('sometimes'), /unknown hypothesis strategy 'sometimes'/);
});

test('an unknown rollback strategy is kept (and means never)', () => {
  assert.equal(resolveStrategies(undefined, exp({ rollbacks: { strategy: 'bogus' } }), {}).rollbacks, 'bogus');
});
