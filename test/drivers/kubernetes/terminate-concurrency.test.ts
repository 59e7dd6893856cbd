// terminate_pods' concurrent deletes (inOrder): bounded, every item once, and on failures the error of the first item
// in order, as the reference (one DELETE at a time, stopping at the first failure) raises it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { DELETES_IN_FLIGHT, inOrder } from '../../../src/drivers/kubernetes/chaosk8s/pod.ts';

it('keeps at most DELETES_IN_FLIGHT in flight, starts them in order, does each once', async () => {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const items = Array.from({ length: 100 }, (_, i) => i);
  await inOrder(items, async (i) => {
    started.push(i);
    most = Math.max(most, ++inFlight);
    await sleep(i % 3);
    inFlight--;
  });
  assert.equal(most, DELETES_IN_FLIGHT);
  assert.deepEqual(started, items);
});

it('raises the first failure in order, even when a later one failed sooner; starts none after a failure', async () => {
  const started: number[] = [];
  const err = await inOrder(Array.from({ length: 200 }, (_, i) => i), async (i) => {
    started.push(i);
    if (i === 20) throw new Error('late 20');
    if (i === 3) {
      await sleep(30);
      throw new Error('slow 3');
    }
    await sleep(1);
  }).catch((e: Error) => e);
  assert.equal((err as Error).message, 'slow 3');
  // started in order and stopped soon after the first failure seen: at most one round of the bound beyond it
  assert.deepEqual(started, started.slice().sort((a, b) => a - b));
  assert.ok(started.length < 20 + DELETES_IN_FLIGHT + 1, `${started.length} started`);
});

it('nothing to do: resolves at once', async () => {
  await inOrder([], async () => assert.fail('called'));
});
