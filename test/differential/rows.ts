// Turns a table of rows into node:test cases: per row, the reference is checked against the spec table (the oracle
// self-check, which pins what each experiment really tests) and Turbulence against the reference.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Outcome, type Row, describeMismatch, normalize, project, runEngine } from './harness.ts';

export function defineRows(table: string, rows: Row[]): void {
  describe(table, () => {
    for (const row of rows) {
      describe(row.name, () => {
        let ref: Promise<Outcome>;
        let turb: Promise<Outcome>;
        before(() => {
          // Both engines run at once, each in its own directory against its own target server.
          ref = runEngine('reference', row);
          turb = runEngine('turbulence', row);
          ref.catch(() => {});
          turb.catch(() => {});
        });

        it('reference gives the spec table row', async () => {
          const r = await ref;
          const got = project(normalize(r, row), row.expect);
          assert.deepEqual(got, row.expect, `reference stderr:\n${r.stderr.trim().split('\n').slice(-15).join('\n')}`);
        });

        it('turbulence matches the reference', async () => {
          const [r, t] = await Promise.all([ref, turb]);
          const same = JSON.stringify(normalize(r, row)) === JSON.stringify(normalize(t, row));
          assert.ok(same, describeMismatch(r, t, row));
        });
      });
    }
  });
}
