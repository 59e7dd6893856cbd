// `turbulence demo`: the bundled demo stories on this machine, with nothing else installed. Turbulence starts each
// variant of a system itself, runs the story's experiment against it through the normal run path, and always stops
// it. Without a system, every story runs: the exchange service (a weakness and its fix), then the replicated service
// (one replica versus three behind a load balancer).
import { ChaosError } from '../../errors.ts';
import { log, writeStdout } from '../../log.ts';
import { exchange } from '../demo/exchange.ts';
import { replicas } from '../demo/replicas.ts';
import { packageRoot } from '../demo/services.ts';
import { runVariant, type Story } from '../demo/story.ts';
import type { GlobalOptions } from '../globals.ts';

export interface DemoOptions {
  /** A variant of the chosen system (or of the only system that has it), or 'both'. */
  variant: string;
  port?: string;
}

const STORIES: Story[] = [exchange, replicas];
const VARIANTS = STORIES.flatMap((s) => s.variants);

/** The stories and variants to run, or a usage problem. */
function select(system: string | undefined, variant: string): [Story, string[]][] | string {
  const named = system === undefined ? null : STORIES.find((s) => s.system === system);
  if (named === undefined) {
    throw new ChaosError(`unknown demo system '${system}' (available: ${STORIES.map((s) => s.system).join(', ')})`);
  }
  if (variant === 'both') return (named ? [named] : STORIES).map((s) => [s, [...s.variants]]);
  const owner = named ?? STORIES.find((s) => s.variants.includes(variant));
  if (!owner?.variants.includes(variant)) {
    const choices = named ? `the ${named.system} demo has ${[...named.variants, 'both'].join(', ')}` : `choose from ${[...VARIANTS, 'both'].join(', ')}`;
    return `Invalid value for '--variant': '${variant}' (${choices}).`;
  }
  return [[owner, [variant]]];
}

export async function demoCommand(g: GlobalOptions, system: string | undefined, opts: DemoOptions): Promise<number> {
  const selected = select(system, opts.variant);
  if (typeof selected === 'string') {
    log.error(selected);
    return 2;
  }
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    log.error(`Invalid value for '--port': '${opts.port}' is not a port number.`);
    return 2;
  }
  const root = packageRoot();
  const runs = selected.flatMap(([story, variants]) => variants.map((v) => [story, v] as const));
  // a signal between runs (or while a system starts) stops the demo; during a run, the run handles it as usual
  let signalled = false;
  const onSignal = () => (signalled = true);
  const signals = ['SIGINT', 'SIGTERM'] as const;
  for (const s of signals) process.on(s, onSignal);
  const results: { story: Story; variant: string; deviated: boolean | null }[] = [];
  try {
    for (const [story, variant] of runs) {
      if (signalled) break;
      if (runs.length > 1) writeStdout(`${results.length ? '\n' : ''}== ${story.title(variant)} ==\n`);
      const deviated = await runVariant(g, root, story, variant, port, () => signalled);
      results.push({ story, variant, deviated });
      if (deviated === null || signalled) break;
    }
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
  // one variant: the run's own exit code
  if (runs.length === 1) return results[0]?.deviated === false ? 0 : 1;
  const asTold = (story: Story) => {
    const mine = results.filter((r) => r.story === story);
    return mine.length === story.variants.length && mine.every((r) => r.deviated === story.deviates[r.variant]);
  };
  const stories = selected.map(([story]) => story);
  const several = stories.length > 1;
  const line = (r: (typeof results)[number]) =>
    `${several ? `${r.story.system}, ` : ''}${r.variant}: ` +
    (r.deviated === null ? 'the run did not complete' : r.deviated ? 'deviated — a weakness was found' : 'the steady state held');
  const allTold = stories.every(asTold);
  const morals = stories.map((s) => s.moral);
  writeStdout(`\nSummary\n${results.map(line).join('\n')}\n`);
  const bullets = morals.map((m) => `- ${m.replaceAll('\n', '\n  ')}\n`).join('');
  writeStdout(allTold ? `As the ${several ? 'stories go' : 'story goes'}:\n${bullets}` : 'Not as the story goes: see the runs above.\n');
  return allTold ? 0 : 1;
}
