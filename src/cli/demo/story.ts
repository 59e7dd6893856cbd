// A demo story: a bundled system in variants, one experiment, and what the story says each variant does. Running a
// variant starts its system in a temporary directory, runs the experiment through the normal run path, and always
// stops every process of the system — also on Ctrl-C, an error, or an exit from somewhere else.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log } from '../../log.ts';
import type { GlobalOptions } from '../globals.ts';
import { runCommand } from '../commands/run.ts';
import { DEMO_PID_ENV, signalServices, stopDemoProcesses, stopServices, type Service } from './services.ts';

export interface Story {
  system: string;
  /** In the order they run: the one that deviates first. */
  variants: readonly string[];
  /** The experiment, relative to the package root. */
  experiment: string;
  /** Whether the story says the variant deviates. */
  deviates: Record<string, boolean>;
  /** "The fragile exchange service": headings and messages. */
  title(variant: string): string;
  /** The summary's conclusion when every variant went as told (lines of at most ~110 characters). */
  moral: string;
  start(root: string, variant: string, port: number, work: string): Promise<System>;
}

/** A started system: its processes, the environment its experiment reads (configuration), and what to log. */
export interface System {
  services: Service[];
  env: Record<string, string>;
  /** "at http://127.0.0.1:1234/ (pid 42)" */
  describe: string;
}

/** Runs the experiment against one variant; returns whether it deviated, or null when the run did not complete. */
export async function runVariant(
  g: GlobalOptions,
  root: string,
  story: Story,
  variant: string,
  port: number,
  stopped: () => boolean,
): Promise<boolean | null> {
  const work = mkdtempSync(join(tmpdir(), `turbulence-demo-${variant}-`));
  const title = story.title(variant);
  const saved = new Map<string, string | undefined>();
  const setEnv = (key: string, value: string) => {
    if (!saved.has(key)) saved.set(key, process.env[key]);
    process.env[key] = value;
  };
  // inherited by the services and by anything the experiment starts: how they are found and stopped afterwards
  setEnv(DEMO_PID_ENV, String(process.pid));
  let system: System | null = null;
  // stops them even when Turbulence exits some other way (an error thrown past us, process.exit)
  const onExit = () => system && signalServices(system.services.map((s) => s.child));
  process.once('exit', onExit);
  const cwd = process.cwd();
  const journalPath = join(work, 'journal.json');
  try {
    system = await story.start(root, variant, port, work);
    log.info(`Started ${lower(title)} ${system.describe} in ${work}`);
    if (stopped()) return null;
    for (const [k, v] of Object.entries(system.env)) setEnv(k, v);
    // the experiment runs where the system keeps its files
    process.chdir(work);
    await runCommand(g, join(root, story.experiment), {
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
    const children = system?.services.map((s) => s.child) ?? [];
    const [, others] = await Promise.all([stopServices(children), stopDemoProcesses(new Set(children.map((c) => c.pid)))]);
    process.removeListener('exit', onExit);
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (system) {
      const pids = system.services.map((s) => s.child.pid);
      const extra = others.length ? ` and ${others.length === 1 ? 'a process' : 'processes'} the experiment started (pid ${others.join(', ')})` : '';
      log.info(`Stopped ${lower(title)} (pid ${pids.join(', ')})${extra}; journal: ${journalPath}`);
    }
  }
  const journal = existsSync(journalPath) ? JSON.parse(readFileSync(journalPath, 'utf8')) : null;
  return journal?.status === 'completed' ? journal.deviated === true : null;
}

const lower = (title: string) => title.charAt(0).toLowerCase() + title.slice(1);
