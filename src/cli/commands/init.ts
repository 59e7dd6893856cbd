// `turbulence init`: an experiment authored from discovery (the native drivers' activities and the generic http and
// process providers), through prompts when stdin is a terminal and no authoring flag is given, else from flags.
// Nothing is written unless the whole experiment passes the same validation as `turbulence validate`.
import { existsSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
// registers the provider types and the native map, which validation needs
import '../../providers/index.ts';
import { type Offering, loadCatalog } from '../../authoring/catalog.ts';
import { type Authored, type MethodStep, autoRollbacks, buildExperiment } from '../../authoring/experiment.ts';
import { type Role, parseSpec } from '../../authoring/spec.ts';
import { toleranceHint } from '../../authoring/tolerance.ts';
import { ChaosError, InvalidExperiment } from '../../errors.ts';
import type { Experiment, Pauses } from '../../experiment/types.ts';
import { validateExperiment } from '../../experiment/validate.ts';
import { log } from '../../log.ts';
import type { GlobalOptions } from '../globals.ts';

interface Options {
  output: string;
  force: boolean;
  title?: string;
  description?: string;
  tag: string[];
  hypothesisTitle: string;
  probe: string[];
  /** --action and --method-probe share this list (program.ts), in command-line order */
  action?: { role: Role; spec: string }[];
  methodProbe?: { role: Role; spec: string }[];
  rollback: string[];
  pauseBefore?: string;
  pauseAfter?: string;
}

export async function initCommand(_g: GlobalOptions, opts: Options): Promise<number> {
  refuseOverwrite(opts.output, opts.force);
  const catalog = await loadCatalog();
  const flagged = opts.title !== undefined || opts.probe.length || opts.action || opts.methodProbe || opts.rollback.length;
  let authored: Authored;
  if (!flagged && process.stdin.isTTY) {
    const { interview } = await import('../../authoring/prompts.ts');
    const answered = await interview(catalog);
    if (answered.kind !== 'done') {
      log.error(answered.kind === 'interrupted' ? 'interrupted: nothing written' : 'end of input: nothing written');
      return answered.kind === 'interrupted' ? 130 : 1;
    }
    authored = answered.authored;
  } else {
    authored = fromFlags(opts, catalog);
  }
  const experiment = buildExperiment(authored);
  // valid for the reference too, but a run would only check the hypothesis
  if (!experiment.method.length) log.warning('the method is empty: the experiment injects nothing');
  await ensureValid(experiment);
  await writeExperiment(opts.output, experiment, opts.force);
  log.info(`Experiment created and saved in '${opts.output}'`);
  return 0;
}

function refuseOverwrite(path: string, force: boolean): void {
  if (!force && existsSync(path)) throw new ChaosError(`${path} already exists: give --force to overwrite it`);
}

function seconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new ChaosError(`${flag} expects a number of seconds, got '${text}'`);
  return n;
}

function fromFlags(opts: Options, catalog: Offering[]): Authored {
  if (opts.title === undefined) {
    throw new ChaosError('--title is required when authoring from flags (run `turbulence init` in a terminal, without flags, for the prompts)');
  }
  const hypothesis = opts.probe.map((spec) => {
    const c = parseSpec(spec, catalog, 'hypothesis');
    if (c.tolerance === undefined) {
      const hint = toleranceHint(c.offering);
      if (hint.suggested === undefined) throw new ChaosError(`${c.offering.id}: give its tolerance with tolerance=... (${hint.help})`);
      c.tolerance = hint.suggested;
    }
    return c;
  });
  const pauses: Pauses = {};
  const before = seconds('--pause-before', opts.pauseBefore);
  const after = seconds('--pause-after', opts.pauseAfter);
  if (before !== undefined) pauses.before = before;
  if (after !== undefined) pauses.after = after;
  const method: MethodStep[] = (opts.action ?? opts.methodProbe ?? []).map(({ role, spec }) => {
    const c = parseSpec(spec, catalog, role);
    return c.type === 'action' && Object.keys(pauses).length ? { ...c, pauses } : c;
  });
  const rollbacks = opts.rollback.flatMap((spec) => (spec.trim() === 'auto' ? autoRollbacks(method, catalog) : [parseSpec(spec, catalog, 'rollback')]));
  return {
    title: opts.title,
    description: opts.description ?? 'N/A',
    tags: opts.tag,
    hypothesisTitle: opts.hypothesisTitle,
    hypothesis,
    method,
    rollbacks,
  };
}

/** The verdict of `turbulence validate`, before anything is written. */
async function ensureValid(experiment: Experiment): Promise<void> {
  const { problems } = await validateExperiment(JSON.parse(JSON.stringify(experiment)));
  if (problems.length) throw new InvalidExperiment(problems.map((p) => ({ ...p, message: `the experiment would not validate: ${p.message}` })));
}

async function writeExperiment(path: string, experiment: Experiment, force: boolean): Promise<void> {
  const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  const text = yaml ? (await import('yaml')).stringify(experiment) : JSON.stringify(experiment, null, 2) + '\n';
  try {
    // without --force, `wx` also refuses a file created while the prompts ran
    writeFileSync(path, text, { flag: force ? 'w' : 'wx' });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST') throw new ChaosError(`${path} already exists: give --force to overwrite it`);
    throw new ChaosError(`cannot write ${path}: ${e.message}`);
  }
}
