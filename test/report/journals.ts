// Real journals for the report tests, written by both engines (the reference Chaos Toolkit and Turbulence's built
// CLI) from the differential suite's experiments, one per outcome. Runs take seconds, so the journals are kept in a
// temp directory keyed by the experiments and the build: the report test files share them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Engine, type Row, runEngine } from '../differential/harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXPERIMENTS = join(ROOT, 'test/differential/experiments');

export type CaseName =
  | 'completed' | 'deviated' | 'failed' | 'aborted' | 'interrupted' | 'gate-missed' | 'continuous' | 'fail-fast'
  | 'background' | 'secrets' | 'activity-errors';

/** One experiment per outcome; `expect` only documents the row, the engines' own results are what the tests read. */
const CASES: Record<CaseName, Omit<Row, 'name' | 'expect'>> = {
  completed: { experiment: 'all-met.json' },
  deviated: { experiment: 'after-missed.yaml' },
  failed: { experiment: 'gate-raised.json' },
  aborted: { experiment: 'bad-ref.json', args: ['--no-validation'] },
  interrupted: { experiment: 'signal.json', signal: 'SIGTERM' },
  'gate-missed': { experiment: 'gate-missed.yaml' },
  continuous: { experiment: 'strategy-deviates.json', args: ['--hypothesis-strategy', 'continuously', '--hypothesis-frequency', '0.2'] },
  'fail-fast': { experiment: 'strategy-deviates.json', args: ['--hypothesis-strategy', 'during-method-only', '--hypothesis-frequency', '0.2', '--fail-fast'] },
  background: { experiment: 'activities.json' },
  secrets: { experiment: 'vars.yaml' },
  'activity-errors': { experiment: 'method-failed.json' },
};

export const CASE_NAMES = Object.keys(CASES) as CaseName[];
export const ENGINES: Engine[] = ['reference', 'turbulence'];

function cacheKey(): string {
  const h = createHash('sha256').update(JSON.stringify(CASES));
  for (const c of Object.values(CASES)) h.update(readFileSync(join(EXPERIMENTS, c.experiment)));
  const bundle = statSync(join(ROOT, 'dist/turbulence.cjs'));
  h.update(`${bundle.size}:${bundle.mtimeMs}`);
  return h.digest('hex').slice(0, 16);
}

/** Where the journals are: `<dir>/<engine>-<case>.json`. Runs both engines on every case the first time. */
export async function journalsDir(): Promise<string> {
  const dir = join(tmpdir(), `turbulence-report-journals-${cacheKey()}`);
  if (existsSync(join(dir, 'done'))) return dir;
  const work = `${dir}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const jobs = ENGINES.flatMap((engine) => CASE_NAMES.map((name) => ({ engine, name })));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { engine, name } = jobs[next++];
      const outcome = await runEngine(engine, { name, expect: { exit: 0 }, ...CASES[name] });
      if (!outcome.journal) throw new Error(`${engine} wrote no journal for ${name}:\n${outcome.stderr.slice(-2000)}`);
      writeFileSync(join(work, `${engine}-${name}.json`), JSON.stringify(outcome.journal, null, 2));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  writeFileSync(join(work, 'done'), '');
  try {
    renameSync(work, dir);
  } catch {
    // another test file got there first: its journals are as good
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

export function journalPath(dir: string, engine: Engine, name: CaseName): string {
  return join(dir, `${engine}-${name}.json`);
}

export function readJournal(dir: string, engine: Engine, name: CaseName): Record<string, any> {
  return JSON.parse(readFileSync(journalPath(dir, engine, name), 'utf8'));
}
