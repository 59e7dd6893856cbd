// Reading the journals a report is made of: files as named, or every *.json of a directory (a CI archive of runs).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ChaosError } from '../errors.ts';
import { log } from '../log.ts';
import { type Run, isJournal, toRun } from './model.ts';

/** Files read at once: enough to overlap disk and parsing, few enough for any file-descriptor limit. */
const CONCURRENCY = 32;

interface Entry {
  path: string;
  /** found in a directory: a JSON file there that is no journal (an experiment, settings) is skipped */
  listed: boolean;
}

async function expand(paths: string[]): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new ChaosError(`${path}: no such journal file or directory`);
    }
    if (!info.isDirectory()) {
      out.push({ path, listed: false });
      continue;
    }
    const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.json')).sort();
    if (!names.length) throw new ChaosError(`${path}: the directory holds no .json journal`);
    out.push(...names.map((n) => ({ path: join(path, n), listed: true })));
  }
  return out;
}

async function load(entry: Entry): Promise<Run | null> {
  let text: string;
  try {
    text = await readFile(entry.path, 'utf8');
  } catch (err) {
    throw new ChaosError(`${entry.path}: cannot read the journal (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    if (entry.listed) return skip(entry, 'not JSON');
    throw new ChaosError(`${entry.path}: not a journal: invalid JSON (${(err as Error).message})`);
  }
  if (!isJournal(doc)) {
    if (entry.listed) return skip(entry, 'not a journal');
    throw new ChaosError(`${entry.path}: not a journal (a Chaos Toolkit journal has "experiment", "status" and "run")`);
  }
  return toRun(doc, entry.path);
}

function skip(entry: Entry, why: string): null {
  log.warning(`${entry.path}: skipped (${why})`);
  return null;
}

export async function readRuns(paths: string[]): Promise<Run[]> {
  const entries = await expand(paths);
  const runs: (Run | null)[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      runs[i] = await load(entries[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, worker));
  const found = runs.filter((r): r is Run => r !== null);
  if (!found.length) throw new ChaosError(`no journal found in ${paths.join(', ')}`);
  return found;
}
