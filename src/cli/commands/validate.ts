// `turbulence validate SOURCE`: as `chaos validate` (settings, load, validate-* notifications), but every problem at
// once, each on one line as `file:line:col: message (at $.json.path)`; `--json` prints the verdict on stdout.
import { ChaosError, InvalidExperiment, formatPath, formatProblem, type Problem } from '../../errors.ts';
import { loadExperiment, locateProblems } from '../../experiment/load.ts';
import { validateExperiment } from '../../experiment/validate.ts';
import type { Experiment } from '../../experiment/types.ts';
import { log, writeStdout } from '../../log.ts';
import type { FlowEvent } from '../../notifications/notify.ts';
import { usePythonSettings } from '../../providers/python/interpreter.ts';
import { type Settings, loadSettings, settingsPath } from '../../settings/settings.ts';
import type { GlobalOptions } from '../globals.ts';

export async function validateCommand(
  g: GlobalOptions,
  source: string,
  opts: { verifyTls: boolean; json: boolean; checkTargets?: boolean },
): Promise<number> {
  let problems: Problem[];
  let warnings: Problem[] = [];
  try {
    const settings = await loadSettings(settingsPath(g.settings));
    usePythonSettings(settings);
    const loaded = await loadExperiment(source, { verifyTls: opts.verifyTls, auths: settings.auths });
    const notify = await notifier(settings);
    await notify('validate-started', loaded.experiment);
    // providers register themselves on import; only validation needs them here
    await import('../../providers/index.ts');
    log.info("Validating the experiment's syntax");
    const result = await validateExperiment(loaded.experiment);
    problems = locateProblems(result.problems, loaded.source);
    warnings = locateProblems([...loaded.warnings, ...result.warnings], loaded.source);
    if (!problems.length && opts.checkTargets) {
      log.info('Checking the targets of the driver activities');
      const { checkTargets } = await import('../../drivers/check-targets.ts');
      const found = await checkTargets(loaded.experiment as Experiment);
      problems = locateProblems(found.problems, loaded.source);
      warnings.push(...locateProblems(found.warnings, loaded.source));
    }
    if (problems.length) await notify('validate-failed', loaded.experiment, new InvalidExperiment(problems));
    else await notify('validate-completed', loaded.experiment);
  } catch (err) {
    // a bad source (or a document that is not a mapping) is reported like any other problem, on one line
    if (err instanceof InvalidExperiment) problems = err.problems;
    else if (err instanceof ChaosError) problems = [{ message: err.message, path: [] }];
    else throw err;
    if (g.verbose && err.stack) log.debug(err.stack);
  }

  for (const w of warnings) log.warning(formatProblem(w));
  for (const p of problems) log.error(formatProblem(p));
  if (!problems.length) {
    log.info('Experiment looks valid');
    log.info('experiment syntax and semantic look valid');
  }
  if (opts.json) {
    const out = (p: Problem) => ({ message: p.message, path: formatPath(p.path), location: p.location ?? null });
    writeStdout(JSON.stringify({ valid: !problems.length, problems: problems.map(out), warnings: warnings.map(out) }, null, 2) + '\n');
  }
  return problems.length ? 1 : 0;
}

/** The settings' notification channels; their module (and node:http) is loaded only when there are some. */
async function notifier(settings: Settings): Promise<(event: FlowEvent, payload: unknown, error?: unknown) => Promise<void>> {
  if (!Array.isArray(settings.notifications) || settings.notifications.length === 0) return async () => {};
  const { notify } = await import('../../notifications/notify.ts');
  return (event, payload, error) => notify(settings, event, payload, error);
}
