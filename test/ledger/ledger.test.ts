// The fault ledger in-process: records on disk before the fault is applied, partial lines, concurrent runs, rollbacks
// matched to faults, settle (revert newest first, --keep-faults, a failing revert), secrets never written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defineDriver } from '../../src/drivers/define.ts';
import { RunLedger } from '../../src/ledger/run-ledger.ts';
import { changed, registerReverts, unchanged } from '../../src/ledger/reverts.ts';
import { readLedger } from '../../src/ledger/recover.ts';
import { LedgerFile, ledgerDir, listRunFiles, readRecords } from '../../src/ledger/store.ts';
import { findNative } from '../../src/providers/python/native.ts';

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-ledger-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshState = () => join(tmp, `state-${++n}`);

// a driver of the test's own: its "fault" sets a flag in a world object the reverts read
const world = new Map<string, boolean>();
const seenOnDisk: unknown[] = [];
let stateOfRun = '';
defineDriver('test.ledger', [
  {
    name: 'break_thing',
    kind: 'action',
    doc: 'breaks a thing',
    arguments: [{ name: 'thing', schema: { kind: 'string' } as never }, { name: 'fail', schema: { kind: 'boolean' } as never, default: false }],
    intent: (a) => ({ revert: { module: 'test.ledger', func: 'mend', arguments: { thing: a.thing as string } }, plan: { chosen: `plan-${a.thing}` } }),
    run: (a, _ctx, plan) => {
      // what is on disk at the moment the fault is applied
      const files = listRunFiles(stateOfRun);
      seenOnDisk.push(files.length ? readRecords(files.at(-1)!).at(-1) : null);
      if (a.fail) throw new Error('half broken');
      world.set(a.thing as string, true);
      return { thing: a.thing, plan };
    },
    undo: (_a, r) => ({ module: 'test.ledger', func: 'fix_thing', arguments: { thing: (r as { thing: string }).thing } }),
  },
  {
    name: 'fix_thing',
    kind: 'action',
    doc: 'fixes a thing',
    arguments: [{ name: 'thing', schema: { kind: 'string' } as never }],
    run: (a) => world.set(a.thing as string, false),
  },
]);
const order: string[] = [];
registerReverts('test.ledger', {
  slow_mend: async (a) => {
    await new Promise((r) => setTimeout(r, 150));
    world.set(a.thing as string, false);
    return changed(`mended ${a.thing}`);
  },
  mend: (a) => {
    order.push(a.thing as string);
    if (a.thing === 'unmendable') throw new Error('cannot mend it');
    if (!world.get(a.thing as string)) return unchanged('not broken');
    world.set(a.thing as string, false);
    return changed(`mended ${a.thing}`);
  },
});

async function call(ledger: RunLedger, func: string, args: Record<string, unknown>, scope: { activity?: string; rollback?: boolean } = {}) {
  const def = (await findNative('test.ledger', func))!;
  const ledgerScope = { ledger, activity: scope.activity ?? func, path: 'method[0]', rollback: scope.rollback ?? false };
  return def.run({ fail: false, ...args }, { configuration: {}, secrets: {}, ledger: ledgerScope });
}

describe('the fault ledger', () => {
  it('writes the fault and its revert to disk before the fault is applied, then applied, then reverted', async () => {
    stateOfRun = freshState();
    const ledger = new RunLedger({ stateDir: stateOfRun, keepFaults: false });
    seenOnDisk.length = 0;
    const result = await call(ledger, 'break_thing', { thing: 'a' });
    assert.deepEqual(result, { thing: 'a', plan: { chosen: 'plan-a' } });
    const atApply = seenOnDisk[0] as Record<string, unknown>;
    assert.equal(atApply.type, 'applying');
    assert.deepEqual(atApply.revert, { module: 'test.ledger', func: 'mend', arguments: { thing: 'a' } });
    const records = readRecords(listRunFiles(stateOfRun)[0]!);
    assert.deepEqual(records.map((r) => r.type), ['run', 'applying', 'applied']);
    assert.equal((records[0] as { pid: number }).pid, process.pid);
    const settled = await ledger.settle();
    assert.equal(world.get('a'), false);
    assert.equal(settled.reverted.length, 1);
    assert.equal(settled.reverted[0]!.outcome, 'mended a');
    // nothing outstanding: the file moves out of recover's way
    assert.equal(listRunFiles(stateOfRun).length, 0);
    assert.ok(existsSync(join(ledgerDir(stateOfRun), 'done')));
  });

  it('keeps a fault whose action failed outstanding (part of it may be applied) and reverts it', async () => {
    stateOfRun = freshState();
    const ledger = new RunLedger({ stateDir: stateOfRun, keepFaults: false });
    world.set('b', true); // "half broken" before the failure
    await assert.rejects(call(ledger, 'break_thing', { thing: 'b', fail: true }), /half broken/);
    assert.deepEqual(readRecords(listRunFiles(stateOfRun)[0]!).map((r) => r.type), ['run', 'applying', 'failed']);
    assert.equal(ledger.outstanding().length, 1);
    await ledger.settle();
    assert.equal(world.get('b'), false);
  });

  it('marks a fault reverted when a rollback calls its undo, and never records the rollback as a fault', async () => {
    stateOfRun = freshState();
    const ledger = new RunLedger({ stateDir: stateOfRun, keepFaults: false });
    await call(ledger, 'break_thing', { thing: 'c' });
    await call(ledger, 'fix_thing', { thing: 'c' }, { rollback: true });
    assert.equal(ledger.outstanding().length, 0);
    const records = readRecords(listRunFiles(stateOfRun)[0]!);
    assert.deepEqual(records.at(-1), { ...records.at(-1), type: 'reverted', by: 'rollback' });
    order.length = 0;
    const settled = await ledger.settle();
    assert.deepEqual(order, [], 'the ledger had nothing left to revert');
    assert.deepEqual(settled, { reverted: [], kept: [] });
  });

  it('reverts newest first, goes on after a failing revert, and keeps the failed one outstanding', async () => {
    stateOfRun = freshState();
    const ledger = new RunLedger({ stateDir: stateOfRun, keepFaults: false });
    for (const thing of ['d1', 'unmendable', 'd3']) await call(ledger, 'break_thing', { thing });
    order.length = 0;
    const settled = await ledger.settle();
    assert.deepEqual(order, ['d3', 'unmendable', 'd1']);
    assert.deepEqual(settled.reverted.map((r) => r.revert?.arguments.thing), ['d3', 'd1']);
    assert.equal(settled.kept.length, 1);
    assert.match(settled.kept[0]!.reason!, /cannot mend it/);
    // the file stays where recover looks, with the one fault outstanding
    const [run] = readLedger(stateOfRun);
    assert.deepEqual(run!.faults.map((f) => f.revert?.arguments.thing), ['unmendable']);
  });

  it('with keepFaults leaves every outstanding fault in place, recorded as kept', async () => {
    stateOfRun = freshState();
    const ledger = new RunLedger({ stateDir: stateOfRun, keepFaults: true });
    await call(ledger, 'break_thing', { thing: 'e' });
    const settled = await ledger.settle();
    assert.equal(world.get('e'), true);
    assert.equal(settled.kept.length, 1);
    assert.equal(readLedger(stateOfRun)[0]!.faults.length, 1);
  });

  it('never writes a secret value; a revert that needs one is marked so that recover refuses it', async () => {
    stateOfRun = freshState();
    const ledger = new RunLedger({ stateDir: stateOfRun, keepFaults: true });
    ledger.describe({ title: 'uses s3cr3t-token', secrets: { api: { token: 's3cr3t-token' } } });
    await call(ledger, 'break_thing', { thing: 'key-s3cr3t-token' });
    const text = readFileSync(listRunFiles(stateOfRun)[0]!, 'utf8');
    assert.ok(!text.includes('s3cr3t-token'), text);
    assert.ok(text.includes('key-***'));
    await ledger.settle();
    const [fault] = readLedger(stateOfRun)[0]!.faults;
    assert.match(fault!.problem!, /secret/);
  });

  it('keeps undoing on the first signal during the undo (not a terminal), abandons the rest on the second', async () => {
    stateOfRun = freshState();
    const ledger = new RunLedger({ stateDir: stateOfRun, keepFaults: false });
    for (const thing of ['g1', 'g2', 'g3', 'g4']) await call(ledger, 'break_thing', { thing });
    // every fault's revert is slow here
    for (const f of ledger.outstanding()) f.revert = { module: 'test.ledger', func: 'slow_mend', arguments: { thing: f.call.arguments.thing! } };
    const settling = ledger.settle();
    await new Promise((r) => setTimeout(r, 50));
    process.emit('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(world.get('g4'), false, 'the first signal did not stop the undo');
    process.emit('SIGTERM');
    const settled = await settling;
    assert.deepEqual(settled.reverted.map((r) => r.revert?.arguments.thing), ['g4', 'g3']);
    assert.deepEqual(settled.kept.map((k) => [k.revert?.arguments.thing, k.reason]), [
      ['g2', 'abandoned on a signal during the undo'],
      ['g1', 'abandoned on a signal during the undo'],
    ]);
    assert.equal(world.get('g1'), true);
    assert.equal(process.listenerCount('SIGINT'), 0, 'the undo removed its signal handlers');
  });

  it('keeps concurrent runs in files of their own', async () => {
    stateOfRun = freshState();
    const runs = [0, 1, 2].map(() => new RunLedger({ stateDir: stateOfRun, keepFaults: true }));
    await Promise.all(runs.map((l, i) => call(l, 'break_thing', { thing: `f${i}` })));
    const files = listRunFiles(stateOfRun);
    assert.equal(files.length, 3);
    assert.deepEqual(new Set(files.map((f) => (readRecords(f)[0] as { run: string }).run)), new Set(runs.map((r) => r.runId)));
  });

  it('skips a partial last line (a crash mid-write) and starts the next record on a line of its own', () => {
    // a file as a crash leaves it: two whole records and half of a third
    const path = join(mkdtempSync(join(tmp, 'partial-')), 'run.jsonl');
    writeFileSync(path, JSON.stringify({ type: 'run', run: 'r', pid: 1 }) + '\n' + JSON.stringify({ type: 'applying', fault: 1 }) + '\n{"type":"appl');
    assert.deepEqual(readRecords(path).map((r) => r.type), ['run', 'applying']);
    const file = new LedgerFile(path);
    file.append({ type: 'reverted', fault: 1, at: 'now', by: 'recover', outcome: 'ok' });
    file.close();
    assert.deepEqual(readRecords(path).map((r) => r.type), ['run', 'applying', 'reverted']);
  });
});
