// The file driver on real files in a temp dir: every action, then its undo call run through the same provider, must
// leave the original content and mode; probes; clear failures before anything changes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { findActivity } from '../../src/drivers/define.ts';
import { getProvider } from '../../src/providers/registry.ts';

const tmp = fs.mkdtempSync(join(tmpdir(), 'turbulence-file-driver-'));
process.env.TURBULENCE_BACKUP_DIR = join(tmp, 'backups');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const provider = getProvider('python')!;
const call = (func: string, args: Record<string, unknown>) => {
  const activity = { type: 'action', name: func, provider: { type: 'python', module: 'turbulence.file', func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {} });
};

/** Runs the action, checks `changed`, then runs its undo and checks the file is as before. */
async function roundTrip(func: string, args: Record<string, unknown>, file: string, changed: () => void): Promise<unknown> {
  const before = { data: fs.readFileSync(file), mode: fs.statSync(file).mode };
  const result = await call(func, args);
  changed();
  const undo = findActivity('turbulence.file', func)!.undo!(args, result)!;
  assert.equal(undo.module, 'turbulence.file');
  // the undo is plain data, as the fault ledger stores it
  assert.deepEqual(JSON.parse(JSON.stringify(undo)), undo);
  await call(undo.func, undo.arguments);
  assert.deepEqual(fs.readFileSync(file), before.data);
  assert.equal(fs.statSync(file).mode, before.mode);
  return result;
}

let n = 0;
function fixture(content = 'exchange rates 1.08\n', mode = 0o640): string {
  const p = join(tmp, `f${n++}.dat`);
  fs.writeFileSync(p, content, { mode });
  fs.chmodSync(p, mode);
  return p;
}

describe('turbulence.file', () => {
  it('move_file moves, refuses to overwrite, and its undo moves it back', async () => {
    const src = fixture();
    const dst = `${src}.moved`;
    const r = await roundTrip('move_file', { src, dst }, src, () => {
      assert.ok(!fs.existsSync(src) && fs.existsSync(dst));
    });
    assert.deepEqual(r, { src, dst });
    assert.ok(!fs.existsSync(dst));
    const other = fixture('other');
    await assert.rejects(call('move_file', { src, dst: other }), /the destination exists/);
    assert.equal(fs.readFileSync(other, 'utf8'), 'other');
  });

  it('delete_file backs the file up and its undo restores content and mode', async () => {
    const p = fixture('secret', 0o600);
    const r = (await roundTrip('delete_file', { path: p }, p, () => assert.ok(!fs.existsSync(p)))) as { backup: string };
    assert.ok(!fs.existsSync(r.backup), 'the backup is consumed by the restore');
  });

  it('truncate_file truncates to a size and is restored', async () => {
    const p = fixture('0123456789');
    await roundTrip('truncate_file', { path: p, size: 4 }, p, () => assert.equal(fs.readFileSync(p, 'utf8'), '0123'));
    await roundTrip('truncate_file', { path: p }, p, () => assert.equal(fs.statSync(p).size, 0));
  });

  it('corrupt_file changes exactly N bytes at the offset and is restored; out of range fails before any change', async () => {
    const p = fixture('abcdefgh');
    const original = fs.readFileSync(p);
    await roundTrip('corrupt_file', { path: p, offset: 2, bytes: 3 }, p, () => {
      const now = fs.readFileSync(p);
      assert.equal(now.length, original.length);
      for (let i = 0; i < now.length; i++) assert.equal(now[i] !== original[i], i >= 2 && i < 5, `byte ${i}`);
    });
    await assert.rejects(call('corrupt_file', { path: p, offset: 6, bytes: 3 }), /cannot corrupt 3 bytes at offset 6 of .*: the file has 8 bytes/);
    assert.deepEqual(fs.readFileSync(p), original);
  });

  it('change_permissions sets the mode (octal string or integer) and its undo sets the old one', async () => {
    const p = fixture('x', 0o644);
    const r = await roundTrip('change_permissions', { path: p, mode: '0000' }, p, () => assert.equal(fs.statSync(p).mode & 0o777, 0));
    assert.deepEqual(r, { path: p, mode: '0000', previous_mode: '0644' });
    await roundTrip('change_permissions', { path: p, mode: 0o600 }, p, () => assert.equal(fs.statSync(p).mode & 0o777, 0o600));
  });

  it('probes: file_exists, file_size, file_contains (text or pattern)', async () => {
    const p = fixture('rate=1.08\nok\n');
    assert.equal(await call('file_exists', { path: p }), true);
    assert.equal(await call('file_exists', { path: `${p}.nope` }), false);
    assert.equal(await call('file_size', { path: p }), 13);
    assert.equal(await call('file_contains', { path: p, text: 'rate=' }), true);
    assert.equal(await call('file_contains', { path: p, text: 'RATE' }), false);
    assert.equal(await call('file_contains', { path: p, pattern: '^ok$' }), true);
    assert.equal(await call('file_contains', { path: p, pattern: '^\\d' }), false);
    await assert.rejects(call('file_contains', { path: p }), /exactly one of text or pattern/);
    await assert.rejects(call('file_size', { path: `${p}.nope` }), /cannot read the size of .*: no such file or directory/);
  });

  it('unknown files and directories fail the activity with a clear message', async () => {
    const missing = join(tmp, 'missing.dat');
    await assert.rejects(call('delete_file', { path: missing }), (e: Error) => e instanceof ActivityFailed && e.message === `cannot use ${missing}: no such file or directory`);
    await assert.rejects(call('truncate_file', { path: tmp }), /is not a regular file/);
  });
});
