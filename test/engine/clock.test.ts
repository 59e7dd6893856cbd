import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoFromMicros, nowMicros, sleep } from '../../src/engine/clock.ts';
import { Interrupted, Interruption } from '../../src/engine/interruption.ts';

test('timestamps look like Python isoformat() in UTC with microseconds', () => {
  assert.equal(isoFromMicros(1_700_000_000_123_456), '2023-11-14T22:13:20.123456+00:00');
  assert.equal(isoFromMicros(1_700_000_000_000_001), '2023-11-14T22:13:20.000001+00:00');
  assert.match(isoFromMicros(nowMicros()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
});

test('an interruption is delivered once into what the main flow awaits, then reset re-arms', async () => {
  const i = new Interruption();
  const pending = i.race(sleep(10, i.signal));
  i.interrupt(new Interrupted('SIGTERM', 'SIGTERM signal received'));
  await assert.rejects(pending, (e: unknown) => e instanceof Interrupted && e.kind === 'SIGTERM');
  // raised once: cleanup awaits after it run to their end
  assert.equal(await i.race(Promise.resolve(1)), 1);
  i.reset();
  assert.equal(await i.race(Promise.resolve(2)), 2);
  assert.equal(i.first?.kind, 'SIGTERM');
  assert.equal(i.background.signal.aborted, false, 'graceful signals leave background work alone');
});

test('an interruption that arrives while nothing races is raised into the next raced await', async () => {
  const i = new Interruption();
  i.interrupt(new Interrupted('SIGINT', 'Received a termination signal (Ctrl-C)...'));
  await assert.rejects(i.race(Promise.resolve(1)), (e: unknown) => e instanceof Interrupted && e.kind === 'SIGINT');
  assert.equal(await i.race(Promise.resolve(2)), 2);
});

test('an ungraceful exit (SIGUSR2) also aborts background work', () => {
  const i = new Interruption();
  i.interrupt(new Interrupted('SIGUSR2', 'Received the exit signal: 30'));
  assert.equal(i.background.signal.aborted, true);
  assert.equal(i.first?.graceful, false);
});
