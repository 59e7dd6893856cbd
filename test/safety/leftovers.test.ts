// "No fault left behind", a modest count for every test run (bench/leftovers.mjs runs the full 200 + 100): the built
// turbulence injects a moved file, a paused process, a toxic on a real toxiproxy-server and a CPU stressor, and is
// killed at a random moment; the real world is then checked for leftovers (never the ledger).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// @ts-expect-error plain JS shared with bench/leftovers.mjs
import { runHarness } from './leftovers-harness.mjs';

interface RunResult {
  id: number;
  signal: string;
  delay: number;
  leftovers: string[];
  problems: string[];
}

describe('no fault left behind', () => {
  it('10 runs killed with SIGKILL then recovered, and 10 sent SIGINT/SIGTERM: zero leftovers, a complete journal each time', async () => {
    const results: RunResult[] = await runHarness({ kill: 10, graceful: 10 });
    const bad = results.filter((r) => r.leftovers.length || r.problems.length);
    assert.deepEqual(
      bad.map((r) => `run ${r.id} (${r.signal} at ${r.delay.toFixed(3)} s): ${[...r.leftovers, ...r.problems].join('; ')}`),
      [],
    );
    assert.equal(results.length, 20);
  });
});
