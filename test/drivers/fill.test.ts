// fill_filesystem on a real small filesystem: an 8 MiB tmpfs mounted for the test (we run as root). Space is measured
// with statfs, as df does; limits refuse before a byte is written; a failed write leaves nothing behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ActivityFailed } from '../../src/errors.ts';
import type { Activity } from '../../src/experiment/types.ts';
import '../../src/providers/index.ts';
import { TargetProblem, findActivity } from '../../src/drivers/define.ts';
import { getProvider } from '../../src/providers/registry.ts';

const MiB = 1024 * 1024;
const tmp = fs.mkdtempSync(join(tmpdir(), 'turbulence-fill-'));
const mnt = join(tmp, 'fs');
before(() => {
  fs.mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
});
after(() => {
  execFileSync('umount', [mnt]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const provider = getProvider('python')!;
const call = (func: string, args: Record<string, unknown>) => {
  const activity = { type: 'action', name: func, provider: { type: 'python', module: 'turbulence.file', func, arguments: args } } as Activity;
  return provider.run(activity, { configuration: {}, secrets: {} });
};

/** df's Use%: used / (used + available) */
function usedPercent(): number {
  const s = fs.statfsSync(mnt);
  return ((s.blocks - s.bfree) / (s.blocks - s.bfree + s.bavail)) * 100;
}
const usedBytes = () => {
  const s = fs.statfsSync(mnt);
  return (s.blocks - s.bfree) * s.bsize;
};

interface FillResult {
  path: string;
  bytes: number;
  used_percent_before: number;
  used_percent: number;
  released: boolean;
}

describe('turbulence.file fill_filesystem', () => {
  it('fills to a percentage for real, and its undo (release_filesystem) gives the space back', async () => {
    assert.ok(usedPercent() < 1);
    const r = (await call('fill_filesystem', { path: mnt, percent: 50, reserve_bytes: 0 })) as FillResult;
    const now = usedPercent();
    assert.ok(now >= 50 && now < 52, `used ${now}%`);
    assert.ok(r.used_percent >= 50 && r.used_percent < 52 && r.used_percent_before < 1, JSON.stringify(r));
    assert.equal(r.bytes, 4 * MiB);
    assert.equal(fs.statSync(r.path).size, 4 * MiB);
    assert.equal(r.released, false);
    // the data is random: the space cannot be compressed away
    const head = Buffer.alloc(4096);
    const fd = fs.openSync(r.path, 'r');
    fs.readSync(fd, head, 0, 4096, 0);
    fs.closeSync(fd);
    assert.ok(head.some((b) => b !== 0));

    const undo = findActivity('turbulence.file', 'fill_filesystem')!.undo!({}, r)!;
    assert.deepEqual(undo, { module: 'turbulence.file', func: 'release_filesystem', arguments: { filler: r.path } });
    assert.equal(await call(undo.func, undo.arguments), true);
    assert.ok(!fs.existsSync(r.path));
    assert.ok(usedPercent() < 1);
    // a second release is harmless
    assert.equal(await call(undo.func, undo.arguments), false);
  });

  it('writes `size` bytes', async () => {
    const before = usedBytes();
    const r = (await call('fill_filesystem', { path: mnt, size: 3 * MiB + 5, reserve_bytes: 0 })) as FillResult;
    assert.equal(fs.statSync(r.path).size, 3 * MiB + 5);
    assert.ok(usedBytes() - before >= 3 * MiB);
    await call('release_filesystem', { filler: r.path });
    assert.equal(usedBytes(), before);
  });

  it('with a duration, holds the fault then releases it before returning; nothing left to undo', async () => {
    const start = Date.now();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, usedPercent())), 20);
    const r = (await call('fill_filesystem', { path: mnt, percent: 40, duration: 0.4, reserve_bytes: 0 })) as FillResult;
    clearInterval(sampler);
    assert.ok(Date.now() - start >= 400);
    assert.ok(peak >= 40, `peak ${peak}%`);
    assert.equal(r.released, true);
    assert.ok(!fs.existsSync(r.path));
    assert.ok(usedPercent() < 1);
    assert.equal(findActivity('turbulence.file', 'fill_filesystem')!.undo!({}, r), null);
  });

  it('refuses before writing anything: above max_percent, below the reserve, already full enough', async () => {
    const limit = async (args: Record<string, unknown>, message: RegExp) => {
      const before = usedBytes();
      await assert.rejects(call('fill_filesystem', { path: mnt, ...args }), (e: Error) => e instanceof TargetProblem && e.kind === 'limit' && message.test(e.message));
      assert.deepEqual(fs.readdirSync(mnt), []);
      assert.equal(usedBytes(), before);
    };
    await limit({ percent: 97, reserve_bytes: 0 }, /would take the filesystem of .* to 97(\.\d)?% used, above max_percent 95%/);
    await limit({ percent: 90, max_percent: 80, reserve_bytes: 0 }, /above max_percent 80%/);
    await limit({ size: 7 * MiB, max_percent: 99, reserve_bytes: 2 * MiB }, /would leave 1 MiB free on the filesystem of .*, less than reserve_bytes \(2 MiB\)/);
    // the default reserve (64 MiB) is more than this whole filesystem
    await limit({ size: MiB }, /less than reserve_bytes \(64 MiB\)/);
    await limit({ size: 9 * MiB, max_percent: 99, reserve_bytes: 0 }, /above max_percent 99%/);
    const held = (await call('fill_filesystem', { path: mnt, percent: 30, reserve_bytes: 0 })) as FillResult;
    try {
      await assert.rejects(call('fill_filesystem', { path: mnt, percent: 20, reserve_bytes: 0 }), /already 3\d(\.\d)?% used, at or above the 20% asked/);
    } finally {
      await call('release_filesystem', { filler: held.path });
    }
  });

  it('argument checks: max_percent is capped at 99, exactly one of size or percent, a directory', async () => {
    await assert.rejects(call('fill_filesystem', { path: mnt, percent: 10, max_percent: 100 }), /argument 'max_percent' of activity 'fill_filesystem': expected a number of at most 99/);
    await assert.rejects(call('fill_filesystem', { path: mnt, percent: 101 }), /expected a number of at most 100/);
    await assert.rejects(call('fill_filesystem', { path: mnt, reserve_bytes: 0 }), /exactly one of size or percent/);
    await assert.rejects(call('fill_filesystem', { path: mnt, size: 1, percent: 1 }), /exactly one of size or percent/);
    await assert.rejects(call('fill_filesystem', { path: join(mnt, 'nope'), size: 1, reserve_bytes: 0 }), (e: Error) => e instanceof TargetProblem && e.kind === 'missing');
    fs.writeFileSync(join(tmp, 'plain'), 'x');
    await assert.rejects(call('fill_filesystem', { path: join(tmp, 'plain'), size: 1, reserve_bytes: 0 }), /is not a directory/);
    await assert.rejects(call('release_filesystem', { filler: join(tmp, 'plain') }), /is not a filler made by fill_filesystem/);
    assert.ok(fs.existsSync(join(tmp, 'plain')));
  });

  it('a write that fails midway (ENOSPC) removes what was written and fails', async () => {
    const pending = call('fill_filesystem', { path: mnt, size: 5 * MiB, max_percent: 99, reserve_bytes: 0 });
    // once the filler exists, take most of the space behind its back (bounded wait)
    for (let i = 0; i < 10_000 && fs.readdirSync(mnt).length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(fs.readdirSync(mnt).length, 1, 'the filler appears');
    fs.writeFileSync(join(mnt, 'hog'), Buffer.alloc(4 * MiB, 1));
    await assert.rejects(pending, (e: Error) => e instanceof ActivityFailed && /^filling .* failed after .*: ENOSPC: no space left on device.*; the filler was removed$/.test(e.message));
    assert.deepEqual(fs.readdirSync(mnt), ['hog']);
    fs.unlinkSync(join(mnt, 'hog'));
  });
});
