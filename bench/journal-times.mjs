// Times as a journal records them, for the benchmarks: both engines write ISO times with microseconds (the
// reference with "+00:00"), which are far steadier than wall times of whole runs on a busy machine.
import { readFileSync } from 'node:fs';

const micros = (t) => {
  const [, base, frac = ''] = /^(.*?)(?:\.(\d+))?(?:\+00:00|Z)?$/.exec(t);
  return Date.parse(`${base}Z`) * 1000 + Number(frac.padEnd(6, '0').slice(0, 6));
};

/** Milliseconds from the first activity's start to the last one's end in the journal at `path`. */
export function methodSpan(path) {
  const { run } = JSON.parse(readFileSync(path, 'utf8'));
  return (micros(run.at(-1).end) - micros(run[0].start)) / 1000;
}
