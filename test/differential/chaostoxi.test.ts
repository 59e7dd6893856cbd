// chaostoolkit-toxiproxy experiments run by the reference (`chaos run` with the real Python chaostoxi 0.3.1) and by
// `turbulence run` (the native map), each against its own fresh toxiproxy-server 2.12.0: the journals' normal forms
// must agree, and each server must be left in the same state.
//
// Needs `npm run build` first (it runs bin/turbulence.js), like the rest of test/differential.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiServer, startToxiproxy } from '../drivers/toxiproxy-servers.ts';
import { type Engine, type Outcome, type Row, describeMismatch, normalize, project, runEngine } from './harness.ts';

const rows: Row[] = [
  {
    name: 'create_proxy, a latency toxic that really delays, disable_proxy that really refuses; rollbacks delete',
    experiment: 'chaostoxi-proxy.json',
    expect: {
      exit: 0,
      status: 'completed',
      deviated: false,
      before: true,
      after: true,
      run: ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded'],
      rollbacks: ['remove-latency', 'bring-web-back', 'delete-web-proxy', 'reset-everything'],
    },
  },
  {
    name: 'failures: AssertionError (existing name, missing proxy), KeyError (env:, attribute), TypeError (refused toxic)',
    experiment: 'chaostoxi-failures.json',
    expect: {
      exit: 0,
      status: 'completed',
      deviated: false,
      before: true,
      after: true,
      run: ['failed', 'failed', 'failed', 'failed', 'succeeded', 'failed', 'failed', 'succeeded', 'succeeded', 'succeeded'],
      rollbacks: ['reset'],
    },
  },
];

/** What a run left on its server: the proxies with their toxics, the listen ports reduced to their kind. */
async function serverState(url: string): Promise<unknown> {
  const proxies = (await (await fetch(`${url}/proxies`)).json()) as Record<string, any>;
  return Object.values(proxies)
    .map((p) => ({ ...p, listen: String(p.listen).replace(/:\d+$/, ':PORT') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

interface Run {
  outcome: Outcome;
  state: unknown;
}

const runs = new Map<string, Promise<Run>>();

/** Each engine runs each row once; the tests share the outcome. */
function runOnce(engine: Engine, row: Row): Promise<Run> {
  const key = `${engine}\0${row.name}`;
  let run = runs.get(key);
  if (!run) {
    runs.set(key, (run = runOn(engine, row)));
    run.catch(() => {});
  }
  return run;
}

async function runOn(engine: Engine, row: Row): Promise<Run> {
  const server: ApiServer = await startToxiproxy();
  try {
    // the gate proxy every experiment's hypothesis looks at, never dialled
    const res = await fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'gate', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }) });
    assert.equal(res.status, 201);
    // no Python for Turbulence: chaostoxi must run natively, not through the bridge
    const env = { ...row.env, TOXIPROXY_URL: server.url, TURBULENCE_PYTHON: '/nonexistent/python3' };
    const outcome = await runEngine(engine, { ...row, env });
    return { outcome, state: await serverState(server.url) };
  } finally {
    await server.close();
  }
}

describe('chaostoolkit-toxiproxy through the native map', () => {
  for (const row of rows) {
    describe(row.name, () => {
      let ref: Promise<Run>;
      let turb: Promise<Run>;
      before(() => {
        ref = runOnce('reference', row);
        turb = runOnce('turbulence', row);
      });
      after(async () => {
        await Promise.allSettled([ref, turb]);
      });

      it('reference gives the expected row', async () => {
        const { outcome } = await ref;
        const got = project(normalize(outcome, row), row.expect);
        assert.deepEqual(got, row.expect, `reference stderr:\n${outcome.stderr.trim().split('\n').slice(-15).join('\n')}`);
      });

      it('turbulence matches the reference, journal and server state', async () => {
        const [r, t] = await Promise.all([ref, turb]);
        assert.ok(JSON.stringify(normalize(r.outcome, row)) === JSON.stringify(normalize(t.outcome, row)), describeMismatch(r.outcome, t.outcome, row));
        assert.deepEqual(t.state, r.state);
      });
    });
  }

  it('the proxy row: the toxic really delayed the request and the disabled proxy really refused it', async () => {
    const { outcome } = await runOnce('reference', rows[0]!);
    const stdout = (outcome.journal?.run as any[]).filter((r) => r.activity.provider.type === 'process').map((r) => r.output?.stdout);
    assert.deepEqual(stdout, ['200 delayed\n', 'refused\n']);
    const outputs = (outcome.journal?.run as any[]).filter((r) => r.activity.provider.type === 'python').map((r) => r.output);
    const lag = { attributes: { latency: 300, jitter: 0 }, name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1 };
    assert.deepEqual(outputs, [true, true, true, [lag], true, false]);
  });

  it('the failure row records the reference exception texts', async () => {
    const { outcome } = await runOnce('reference', rows[1]!);
    const exceptions = (outcome.journal?.run as any[]).map((r) => (r.exception ? String(r.exception.at(-1)).trim() : r.output));
    assert.deepEqual(exceptions, [
      'chaoslib.exceptions.ActivityFailed: AssertionError',
      "chaoslib.exceptions.ActivityFailed: KeyError: 'CHAOSTOXI_DIFF_UNSET'",
      "chaoslib.exceptions.ActivityFailed: TypeError: 'NoneType' object is not subscriptable",
      "chaoslib.exceptions.ActivityFailed: TypeError: 'NoneType' object is not subscriptable",
      false,
      'chaoslib.exceptions.ActivityFailed: AssertionError',
      "chaoslib.exceptions.ActivityFailed: KeyError: 'colour'",
      null,
      false,
      null,
    ]);
  });
});
