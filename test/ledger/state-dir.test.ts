// The --state-dir flag of `run` and `recover` (over $TURBULENCE_STATE_DIR): the ledger and the file backups go there,
// the warning about earlier faults names it, and recover reads and reverts there only.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { turbulence } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'turbulence-state-dir-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const jsonl = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : []);

describe('--state-dir', () => {
  it('run writes the ledger and backups under --state-dir (not $TURBULENCE_STATE_DIR); recover --state-dir reverts there', async () => {
    const dir = join(tmp, 'case');
    mkdirSync(dir);
    const flagged = join(dir, 'flagged state');
    const env = { TURBULENCE_STATE_DIR: join(dir, 'env-state') };
    const moved = join(dir, 'moved.txt');
    const deleted = join(dir, 'deleted.txt');
    writeFileSync(moved, 'm\n');
    writeFileSync(deleted, 'keep me\n');
    const action = (name: string, func: string, args: Record<string, unknown>) => ({ type: 'action', name, provider: { type: 'python', module: 'turbulence.file', func, arguments: args } });
    writeFileSync(
      join(dir, 'experiment.json'),
      JSON.stringify({ title: 't', description: 'd', method: [action('move', 'move_file', { src: moved, dst: `${moved}.away` }), action('delete', 'delete_file', { path: deleted })] }),
    );

    const r = await turbulence(['run', '--state-dir', flagged, '--keep-faults', 'experiment.json'], dir, env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(moved) && !existsSync(deleted), 'the faults are in place (--keep-faults)');
    assert.equal(jsonl(join(flagged, 'ledger')).length, 1, 'the run file is under --state-dir');
    assert.equal(readdirSync(join(flagged, 'backups')).length, 1, "the deleted file's backup is under --state-dir");
    assert.ok(!existsSync(env.TURBULENCE_STATE_DIR), 'nothing under $TURBULENCE_STATE_DIR');

    // the next run warns, naming the directory to recover from; one on the other directory has nothing to say
    writeFileSync(join(dir, 'probe.json'), JSON.stringify({ title: 'p', description: 'd', method: [{ type: 'probe', name: 'p', provider: { type: 'process', path: 'true' } }] }));
    const warned = await turbulence(['run', '--state-dir', flagged, 'probe.json'], dir, env);
    assert.match(warned.stderr, new RegExp(`2 fault\\(s\\) from earlier runs were never reverted: turbulence recover --state-dir ${flagged}`));
    const quiet = await turbulence(['run', 'probe.json'], dir, env);
    assert.doesNotMatch(quiet.stderr, /never reverted/);

    const elsewhere = await turbulence(['recover'], dir, env);
    assert.equal(elsewhere.code, 0);
    assert.match(elsewhere.stderr, /No outstanding faults/);
    assert.ok(!existsSync(moved));

    const rec = await turbulence(['recover', '--state-dir', flagged, '--json'], dir, env);
    assert.equal(rec.code, 0, rec.stderr);
    const out = JSON.parse(rec.stdout);
    assert.equal(out.state_dir, flagged);
    assert.deepEqual(out.faults.map((f: { call: { func: string }; result: string }) => [f.call.func, f.result]), [
      ['delete_file', 'reverted'],
      ['move_file', 'reverted'],
    ]);
    assert.equal(readFileSync(moved, 'utf8'), 'm\n');
    assert.equal(readFileSync(deleted, 'utf8'), 'keep me\n');
    assert.deepEqual(jsonl(join(flagged, 'ledger')), [], 'nothing outstanding is left there');
    assert.equal(jsonl(join(flagged, 'ledger', 'done')).length, 1);
  });
});
