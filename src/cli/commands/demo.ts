// `turbulence demo`: the exchange story of "Learning Chaos Engineering" (chapter 5) on this machine, with nothing else
// installed. Turbulence starts the service variant itself in a temporary directory, runs
// examples/exchange/experiment.json against it through the normal run path, and always stops the service.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChaosError } from '../../errors.ts';
import { log, writeStdout } from '../../log.ts';
import type { GlobalOptions } from '../globals.ts';
import { runCommand } from './run.ts';

export type Variant = 'fragile' | 'resilient';

export interface DemoOptions {
  variant: Variant | 'both';
  port?: string;
}

const STARTUP_MS = 10_000;

/** What the story says each variant does: the fragile one deviates, the resilient one holds. */
const EXPECTED: Record<Variant, { deviated: boolean; line: string }> = {
  fragile: { deviated: true, line: 'deviated — a weakness was found' },
  resilient: { deviated: false, line: 'the steady state held' },
};

/** The package's root: the bundle lives in dist/, the sources in src/cli/commands/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'examples'))) {
    const up = dirname(dir);
    if (up === dir) throw new ChaosError('cannot find the examples/ directory of Turbulence');
    dir = up;
  }
  return dir;
}

interface Service {
  child: ChildProcess;
  url: string;
}

/** Starts the service variant in `cwd` and resolves once it answers over HTTP. */
async function startService(script: string, variant: Variant, port: number, cwd: string): Promise<Service> {
  const child = spawn(process.execPath, [script, '--variant', variant, '--port', String(port), '--exit-with-stdin'], {
    cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new ChaosError(`the ${variant} exchange service did not start in time`)), STARTUP_MS);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new ChaosError(`the ${variant} exchange service exited (code ${code}) before answering: ${stderr.trim()}`));
    });
  }).catch((err) => {
    stopService(child);
    throw err;
  });
  child.stdout!.resume();
  await answers(url);
  return { child, url };
}

/** Resolves when a GET of `url` gets any HTTP answer. */
function answers(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: STARTUP_MS }, (res) => {
      res.resume();
      resolve();
    });
    req.on('error', reject).on('timeout', () => req.destroy(new ChaosError(`the exchange service at ${url} does not answer`)));
    req.end();
  });
}

function stopService(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** Runs the experiment against one variant; returns whether it deviated, or null when the run did not complete. */
async function runVariant(g: GlobalOptions, root: string, variant: Variant, port: number, stopped: () => boolean): Promise<boolean | null> {
  const work = mkdtempSync(join(tmpdir(), `turbulence-demo-${variant}-`));
  const script = join(root, 'dist', 'examples', 'exchange-service.cjs');
  if (!existsSync(script)) throw new ChaosError(`the demo service is not built (${script}): run \`npm run build\` first`);
  const service = await startService(script, variant, port, work);
  // stops it even when Turbulence exits some other way (an error thrown past us, process.exit)
  const onExit = () => stopService(service.child);
  process.once('exit', onExit);
  const cwd = process.cwd();
  const journalPath = join(work, 'journal.json');
  try {
    log.info(`Started the ${variant} exchange service at ${service.url} (pid ${service.child.pid}) in ${work}`);
    if (stopped()) return null;
    process.env.EXCHANGE_URL = service.url;
    // the experiment moves ./exchange.dat: it runs where the service keeps the file
    process.chdir(work);
    await runCommand(g, join(root, 'examples', 'exchange', 'experiment.json'), {
      journalPath,
      validation: true,
      verifyTls: true,
      var: [],
      varFile: [],
      controlFile: [],
      hypothesisFrequency: 1,
      failFast: false,
    });
  } finally {
    process.chdir(cwd);
    stopService(service.child);
    process.removeListener('exit', onExit);
    if (service.child.exitCode === null && service.child.signalCode === null) {
      await new Promise((resolve) => service.child.once('exit', resolve));
    }
    log.info(`Stopped the ${variant} exchange service (pid ${service.child.pid}); journal: ${journalPath}`);
  }
  const journal = existsSync(journalPath) ? JSON.parse(readFileSync(journalPath, 'utf8')) : null;
  return journal?.status === 'completed' ? journal.deviated === true : null;
}

export async function demoCommand(g: GlobalOptions, system: string, opts: DemoOptions): Promise<number> {
  if (system !== 'exchange') throw new ChaosError(`unknown demo system '${system}' (available: exchange)`);
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    log.error(`Invalid value for '--port': '${opts.port}' is not a port number.`);
    return 2;
  }
  const root = packageRoot();
  const variants: Variant[] = opts.variant === 'both' ? ['fragile', 'resilient'] : [opts.variant];
  // a signal between runs (or while a service starts) stops the demo; during a run, the run handles it as usual
  let signalled = false;
  const onSignal = () => (signalled = true);
  const signals = ['SIGINT', 'SIGTERM'] as const;
  for (const s of signals) process.on(s, onSignal);
  const results: [Variant, boolean | null][] = [];
  try {
    for (const variant of variants) {
      if (signalled) break;
      if (variants.length > 1) writeStdout(`\n== The ${variant} exchange service ==\n`);
      const deviated = await runVariant(g, root, variant, port, () => signalled);
      results.push([variant, deviated]);
      if (deviated === null || signalled) break;
    }
  } finally {
    for (const s of signals) process.removeListener(s, onSignal);
  }
  const asTold = results.length === variants.length && results.every(([v, d]) => d === EXPECTED[v].deviated);
  if (variants.length === 1) return results[0]?.[1] === false ? 0 : 1;
  const line = ([v, d]: [Variant, boolean | null]) =>
    `${v}: ${d === null ? 'the run did not complete' : d ? EXPECTED.fragile.line : EXPECTED.resilient.line}`;
  writeStdout(`\nSummary\n${results.map(line).join('\n')}\n`);
  writeStdout(
    asTold
      ? 'As the story goes: the experiment found the fragile service\'s weakness, and the resilient service withstood it.\n'
      : 'Not as the story goes: see the runs above.\n',
  );
  return asTold ? 0 : 1;
}
