// "No fault left behind", in full: 200 runs killed with SIGKILL at a random moment then `turbulence recover`, and 100
// runs sent SIGINT/SIGTERM at a random moment of the run; each checked in the real world for leftover faults (and, for
// the graceful ones, a complete journal). Prints the counts; exit 1 when any run left something behind.
// Usage: npm run build && node bench/leftovers.mjs [kill-runs] [signal-runs]
import { runHarness } from '../test/safety/leftovers-harness.mjs';

const kill = Number(process.argv[2] ?? 200);
const graceful = Number(process.argv[3] ?? 100);
const started = Date.now();
let n = 0;
const results = await runHarness({
  kill,
  graceful,
  onResult: (r) => {
    n++;
    const bad = r.leftovers.length + r.problems.length;
    if (bad) console.log(`run ${r.id} ${r.signal} at ${r.delay.toFixed(3)}s: ${[...r.leftovers, ...r.problems].join('; ')}`);
    else if (n % 25 === 0) console.log(`${n} runs done`);
  },
});
const count = (signal) => {
  const rs = results.filter((r) => (signal === 'SIGKILL' ? r.signal === 'SIGKILL' : r.signal !== 'SIGKILL'));
  return { runs: rs.length, clean: rs.filter((r) => !r.leftovers.length && !r.problems.length).length, withLeftovers: rs.filter((r) => r.leftovers.length).length, otherProblems: rs.filter((r) => r.problems.length).length };
};
const k = count('SIGKILL');
const g = count('graceful');
const recovered = results.filter((r) => r.signal === 'SIGKILL').reduce((s, r) => s + (r.recovered ?? 0), 0);
console.log(`SIGKILL + recover: ${k.clean}/${k.runs} runs with zero leftover faults (${k.withLeftovers} with leftovers, ${k.otherProblems} with recover failures; recover handled ${recovered} outstanding faults in all)`);
console.log(`SIGINT/SIGTERM:    ${g.clean}/${g.runs} runs with every fault reverted and a complete journal (${g.withLeftovers} with leftovers, ${g.otherProblems} without a complete journal)`);
console.log(`${results.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(k.clean === k.runs && g.clean === g.runs ? 0 : 1);
