// Blast radius on real processes: ten `sleep` children that share a marker in their command line, narrowed by mode,
// quantity, seed and allow/deny lists; and `--dry actions` naming exactly the processes a real run with the same
// seed then stops, while touching none of them.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { bindArguments, findActivity } from '../../src/drivers/define.ts';
import { findNative } from '../../src/providers/python/native.ts';
import { getProvider } from '../../src/providers/registry.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = import.meta.resolve('tsx');
const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'turbulence-targets-'));
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** `count` sleeps in their own process groups, whose command lines all hold the same unique marker. */
async function sleepers(count: number): Promise<{ pids: number[]; marker: string; pattern: string }> {
  const marker = `${1000 + Math.floor(Math.random() * 9e6)}`;
  const pids: number[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn('sleep', [`${marker}.${i + 1}`], { detached: true, stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    pids.push(child.pid!);
  }
  return { pids: pids.sort((a, b) => a - b), marker, pattern: `^sleep ${marker}\\.` };
}

/** The pids kill_process would hit, through its `targets` hook (nothing is signalled). */
async function targets(args: Record<string, unknown>): Promise<number[]> {
  await findNative('turbulence.process', 'kill_process');
  const def = findActivity('turbulence.process', 'kill_process')!;
  const bound = bindArguments(def, args, []);
  assert.ok(bound, 'arguments did not bind');
  assert.deepEqual(bound.problems, []);
  const list = await def.targets!(bound.args, { configuration: {}, secrets: {} });
  return list.map((t) => t.pid as number);
}

/** The process state letter from /proc (S: sleeping, T: stopped); null once it is gone. */
function state(pid: number): string | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2)[0]!;
  } catch {
    return null;
  }
}

describe('blast radius: target selection on real processes', () => {
  let ten: Awaited<ReturnType<typeof sleepers>>;
  before(async () => {
    ten = await sleepers(10);
  });

  it('all (the default) hits every match; one hits one of them', async () => {
    assert.deepEqual(await targets({ pattern: ten.pattern }), ten.pids);
    assert.deepEqual(await targets({ pattern: ten.pattern, mode: 'all' }), ten.pids);
    const one = await targets({ pattern: ten.pattern, mode: 'one' });
    assert.equal(one.length, 1);
    assert.ok(ten.pids.includes(one[0]!));
  });

  it('fixed hits `quantity` of them, all of them when there are fewer', async () => {
    const three = await targets({ pattern: ten.pattern, mode: 'fixed', quantity: 3 });
    assert.equal(three.length, 3);
    assert.equal(new Set(three).size, 3);
    assert.ok(three.every((p) => ten.pids.includes(p)));
    assert.deepEqual(await targets({ pattern: ten.pattern, mode: 'fixed', quantity: 25 }), ten.pids);
  });

  it('fixed-percent rounds down, never below one', async () => {
    const count = async (quantity: number) => (await targets({ pattern: ten.pattern, mode: 'fixed-percent', quantity })).length;
    assert.equal(await count(25), 2); // 2.5 → 2
    assert.equal(await count(39), 3); // 3.9 → 3
    assert.equal(await count(5), 1); // 0.5 → at least one
    assert.equal(await count(100), 10);
  });

  it('random-max-percent hits between one and quantity % of them, varying with the seed', async () => {
    const counts = new Set<number>();
    for (let seed = 0; seed < 30; seed++) {
      const n = (await targets({ pattern: ten.pattern, mode: 'random-max-percent', quantity: 50, seed })).length;
      assert.ok(n >= 1 && n <= 5, `seed ${seed}: ${n} targets`);
      counts.add(n);
    }
    assert.ok(counts.size >= 3, `only ${[...counts]} seen`);
    for (let i = 0; i < 5; i++) assert.equal((await targets({ pattern: ten.pattern, mode: 'random-max-percent', quantity: 10 })).length, 1);
  });

  it('a seed makes the random pick reproducible; other seeds pick others', async () => {
    const args = { pattern: ten.pattern, mode: 'fixed', quantity: 3, seed: 'game-day-7' };
    const first = await targets(args);
    for (let i = 0; i < 3; i++) assert.deepEqual(await targets(args), first);
    const picks = new Set<string>();
    for (let seed = 0; seed < 10; seed++) picks.add(JSON.stringify(await targets({ ...args, seed })));
    assert.ok(picks.size >= 5, `10 seeds gave only ${picks.size} different picks`);
  });

  it('allow admits only what it names (pids, names, /regex/); deny removes; deny wins over allow', async () => {
    const [a, b, c] = ten.pids as [number, number, number];
    assert.deepEqual(await targets({ pattern: ten.pattern, allow: [a, b, c] }), [a, b, c]);
    assert.deepEqual(await targets({ pattern: ten.pattern, allow: ['sleep'] }), ten.pids);
    // "/regex/" is searched in the command line: sleep <marker>.1 and sleep <marker>.2
    const firstTwo = await targets({ pattern: ten.pattern, allow: [`/ ${ten.marker}\\.(1|2)$/`] });
    assert.equal(firstTwo.length, 2);
    assert.deepEqual(await targets({ pattern: ten.pattern, deny: [a] }), ten.pids.slice(1));
    assert.deepEqual(await targets({ pattern: ten.pattern, deny: [`/ ${ten.marker}\\.(1|2)$/`] }), ten.pids.filter((p) => !firstTwo.includes(p)));
    assert.deepEqual(await targets({ pattern: ten.pattern, allow: [a, b, c], deny: [b] }), [a, c]);
    // deny wins even when the mode asks for more than what is left
    assert.deepEqual(await targets({ pattern: ten.pattern, allow: [a, b, c], deny: [c], mode: 'fixed', quantity: 5 }), [a, b]);
    await assert.rejects(targets({ pattern: ten.pattern, allow: [a, b], deny: ['sleep'] }), {
      message: `no process matches pattern=${JSON.stringify(ten.pattern)} once the allow/deny lists are applied (10 matched before)`,
    });
    await assert.rejects(targets({ pattern: ten.pattern, allow: ['not-sleep'] }), ActivityFailed);
  });

  it('mode and quantity must fit together; a bad /regex/ is a failure', async () => {
    await assert.rejects(targets({ pattern: ten.pattern, mode: 'fixed' }), { message: "mode 'fixed' needs a quantity" });
    await assert.rejects(targets({ pattern: ten.pattern, mode: 'one', quantity: 2 }), { message: "mode 'one' takes no quantity" });
    await assert.rejects(targets({ pattern: ten.pattern, mode: 'fixed-percent', quantity: 150 }), { message: "mode 'fixed-percent' takes a percent: quantity 150 is over 100" });
    await assert.rejects(targets({ pattern: ten.pattern, deny: ['/(/'] }), /^ActivityFailed: invalid target pattern "\/\(\/"/);
  });

  it('kill_process hits only the selection; the argument schemas reject bad values at validation', async () => {
    const three = await sleepers(3);
    const provider = getProvider('python')!;
    const activity = {
      type: 'action',
      name: 'kill-some',
      provider: { type: 'python', module: 'turbulence.process', func: 'kill_process', arguments: { pattern: three.pattern, deny: [three.pids[1]] } },
    } as Activity;
    const r = (await provider.run(activity, { configuration: {}, secrets: {} })) as { pids: number[] };
    assert.deepEqual(r.pids, [three.pids[0], three.pids[2]]);
    await waitFor(() => state(three.pids[0]!) === null && state(three.pids[2]!) === null);
    assert.equal(state(three.pids[1]!), 'S', 'the denied process was hit');
    const bad = { ...activity, provider: { ...activity.provider, arguments: { pattern: 'x', mode: 'some', quantity: 0, allow: [1.5] } } } as Activity;
    const problems = await provider.validate!(bad, ['method', 0]);
    assert.deepEqual(
      problems.map((p) => p.path.join('.')),
      ['method.0.provider.arguments.mode', 'method.0.provider.arguments.quantity', 'method.0.provider.arguments.allow.0'],
    );
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < end, 'timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The Turbulence CLI from the sources (no build needed). */
function turbulence(args: string[], cwd: string): Promise<{ exit: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), '--no-version-check', '--no-log-file', ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: '', NODE_TEST_CONTEXT: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (exit) => {
      clearTimeout(killer);
      resolve({ exit, stderr });
    });
  });
}

describe('blast radius: --dry actions', () => {
  it('lists exactly the processes a real run with the same seed kills, and touches none', async () => {
    const five = await sleepers(5);
    const experiment = {
      title: 'kill some sleepers',
      description: 'blast radius',
      method: [
        {
          type: 'action',
          name: 'kill-two',
          provider: {
            type: 'python',
            module: 'turbulence.process',
            func: 'kill_process',
            arguments: { pattern: five.pattern, mode: 'fixed', quantity: 2, seed: 42, deny: [five.pids[0]] },
          },
        },
      ],
    };
    const dir = mkdtempSync(join(tmp, 'dry-'));
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify(experiment));

    const dry = await turbulence(['run', '--dry', 'actions', '--journal-path', 'dry.json', 'experiment.json'], dir);
    assert.equal(dry.exit, 0, dry.stderr);
    const dryRecord = JSON.parse(readFileSync(join(dir, 'dry.json'), 'utf8')).run[0];
    const listed = (dryRecord.turbulence.targets as { pid: number; name: string; cmdline: string }[]).map((t) => t.pid);
    assert.equal(listed.length, 2);
    assert.ok(!listed.includes(five.pids[0]!), 'the denied process was listed');
    for (const t of dryRecord.turbulence.targets) {
      assert.equal(t.name, 'sleep');
      assert.match(t.cmdline, new RegExp(`^sleep ${five.marker}\\.\\d$`));
      assert.match(dry.stderr, new RegExp(`would hit: .*pid=${t.pid} name=sleep cmdline="sleep ${five.marker}\\.\\d"`));
    }
    // the reference's fields of a dry record are untouched: output null, succeeded
    assert.deepEqual(Object.keys(dryRecord), ['activity', 'output', 'start', 'status', 'end', 'duration', 'turbulence']);
    assert.equal(dryRecord.output, null);
    assert.equal(dryRecord.status, 'succeeded');
    for (const pid of five.pids) assert.equal(state(pid), 'S', `process ${pid} was touched by the dry run`);

    const real = await turbulence(['run', '--journal-path', 'real.json', 'experiment.json'], dir);
    assert.equal(real.exit, 0, real.stderr);
    const hit = JSON.parse(readFileSync(join(dir, 'real.json'), 'utf8')).run[0].output.pids;
    assert.deepEqual(hit, listed);
    // the killed ones go (a killed child stays a zombie until reaped: /proc shows it 'Z')
    await waitFor(() => listed.every((pid) => state(pid) === 'Z' || state(pid) === null));
    for (const pid of five.pids) if (!listed.includes(pid)) assert.equal(state(pid), 'S', `process ${pid} was hit\n${real.stderr}`);
  });
});

describe('blast radius: --dry actions for the other drivers', () => {
  it('file, stress and proxy actions list their targets; nothing is touched; probes and other modes record none', async () => {
    const dir = mkdtempSync(join(tmp, 'dry-drivers-'));
    writeFileSync(join(dir, 'victim.txt'), 'precious\n');
    const py = (name: string, module: string, func: string, args: Record<string, unknown>) => ({
      type: 'action',
      name,
      provider: { type: 'python', module, func, arguments: args },
    });
    const experiment = {
      title: 'dry drivers',
      description: 'blast radius',
      method: [
        py('delete', 'turbulence.file', 'delete_file', { path: 'victim.txt' }),
        py('cpu', 'turbulence.stress', 'stress_cpu', { cores: 1, load: 50, duration: 5 }),
        py('memory', 'turbulence.stress', 'stress_memory', { bytes: '1M', duration: 5 }),
        py('toxic', 'turbulence.proxy', 'add_toxic', { proxy: 'db', type: 'latency', attributes: { latency: 100 }, api_url: 'http://127.0.0.1:1' }),
        py('no-such-process', 'turbulence.process', 'kill_process', { pattern: '^no process has this command line [0-9a-f]{32}$' }),
        { type: 'probe', name: 'exists', provider: { type: 'python', module: 'os.path', func: 'exists', arguments: { path: 'victim.txt' } } },
        { type: 'action', name: 'shell', provider: { type: 'process', path: 'true' } },
      ],
    };
    writeFileSync(join(dir, 'experiment.json'), JSON.stringify(experiment));
    const dry = await turbulence(['run', '--dry', 'actions', '--journal-path', 'journal.json', 'experiment.json'], dir);
    assert.equal(dry.exit, 0, dry.stderr);
    const run = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8')).run;
    assert.deepEqual(
      run.map((r: any) => [r.activity.name, r.status, r.output === null ? null : 'output', r.turbulence ?? null]),
      [
        ['delete', 'succeeded', null, { targets: [{ path: join(dir, 'victim.txt') }] }],
        ['cpu', 'succeeded', null, { targets: [{ cores: 1, load: 50, duration: 5 }] }],
        ['memory', 'succeeded', null, { targets: [{ memory: 1048576, size: '1.0 MiB', duration: 5 }] }],
        [
          'toxic',
          'succeeded',
          null,
          { targets: [{ api: 'http://127.0.0.1:1', proxy: 'db', toxic: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 100 } }] },
        ],
        [
          'no-such-process',
          'succeeded',
          null,
          { targets: [], problem: 'no process matches pattern="^no process has this command line [0-9a-f]{32}$"' },
        ],
        ['exists', 'succeeded', 'output', null],
        ['shell', 'succeeded', null, null],
      ],
    );
    assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'precious\n');
    assert.match(dry.stderr, /would hit: path=\S+victim\.txt/);
    assert.match(dry.stderr, /would hit nothing: no process matches/);
  });
});
