// The safeguard control's validation accepts every provider type a probe may have: http has no outside-world check
// of its own, which once read as "unknown provider type 'http'".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateSafeguards } from '../../src/controls/safeguards/validate.ts';
import '../../src/providers/index.ts';

const control = (probe: Record<string, unknown>) => ({ name: 'safeguard', provider: { type: 'python', module: 'turbulence.safeguards', arguments: { probes: [probe] } } });

test('http, process and python safeguard probes validate', async () => {
  await validateSafeguards(control({ name: 'up', type: 'probe', tolerance: 200, provider: { type: 'http', url: 'http://127.0.0.1:1/' } }));
  await validateSafeguards(control({ name: 'ok', type: 'probe', tolerance: 0, provider: { type: 'process', path: 'true' } }));
  await validateSafeguards(control({ name: 'there', type: 'probe', tolerance: true, provider: { type: 'python', module: 'os.path', func: 'exists', arguments: { path: '/' } } }));
});

test('a probe with an unknown provider type or a missing executable is still rejected', async () => {
  await assert.rejects(
    validateSafeguards(control({ name: 'x', type: 'probe', tolerance: 0, provider: { type: 'pyhton', module: 'os', func: 'x' } })),
    /unknown provider type 'pyhton'/,
  );
  await assert.rejects(
    validateSafeguards(control({ name: 'y', type: 'probe', tolerance: 0, provider: { type: 'process', path: 'no-such-executable-xyz' } })),
    /no-such-executable-xyz/,
  );
});
