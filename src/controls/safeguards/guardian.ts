// The safeguards of one run, as chaosaddons' Guardian keeps them: probes without `background` or `frequency` run
// before the experiment (all at once, the run waiting for them); `background: true` ones run once beside the run;
// `frequency: N` ones run every N seconds until the run ends. The first probe found outside its tolerance ends the
// run as chaoslib's exit_gracefully does (SystemExit(20), i.e. our SIGUSR1 interruption): status interrupted,
// rollbacks as the strategy says, faults reverted through the normal interruption path.
import { ActivityFailed } from '../../errors.ts';
import type { Activity, Configuration, Secrets } from '../../experiment/types.ts';
import type { ActivityRun } from '../../journal/journal.ts';
import { log } from '../../log.ts';
import { pythonStr, pythonTruthy } from '../../python/values.ts';
import { runProvider } from '../../engine/activity.ts';
import { isoFromMicros, nowMicros, sleep } from '../../engine/clock.ts';
import type { ControlRun } from '../../engine/control-modules.ts';
import { buildRefCache } from '../../engine/context.ts';
import { Interrupted } from '../../engine/interruption.ts';
import { withinTolerance } from '../../engine/tolerance.ts';
import type { Experiment } from '../../experiment/types.ts';

type Probe = Activity & { background?: unknown; frequency?: unknown; tolerance?: unknown };

interface Environment {
  experiment?: Experiment;
  configuration: Configuration;
  secrets: Secrets;
}

export class Guardian {
  /** aborted when the run ends: loops stop, probes in flight are told to stop */
  private readonly stopped = new AbortController();
  private readonly running: Promise<void>[] = [];
  private triggered = false;
  /** chaosaddons.controls.synchronization's experiment_finished: no interruption once it is set */
  finished = false;

  constructor(private readonly run: ControlRun) {}

  /** before_experiment_control: starts every safeguard and returns once the pre-checks ran (and were judged). */
  async start(probes: Probe[], env: Environment): Promise<void> {
    const now: Probe[] = [];
    for (const probe of probes) {
      if (pythonTruthy(probe.frequency)) this.watch(probe, this.repeat(probe, env));
      else if (pythonTruthy(probe.background)) this.watch(probe, this.once(probe, env));
      else now.push(probe);
    }
    // as the reference's barrier: every pre-check ends before any of them is judged
    const runs = await Promise.allSettled(now.map((p) => this.execute(p, env)));
    const judged = runs.map((r, i) =>
      r.status === 'fulfilled' ? this.judge(now[i]!, r.value, env).catch((err) => logFailure(now[i]!, err)) : logFailure(now[i]!, r.reason),
    );
    await Promise.all(judged);
  }

  /** after_experiment_control: stops the loops and waits for them. */
  async terminate(): Promise<void> {
    if (this.stopped.signal.aborted) return;
    this.stopped.abort();
    await Promise.allSettled(this.running);
    log.debug('Guardian is now terminated');
  }

  private watch(probe: Probe, work: Promise<void>): void {
    this.running.push(
      work.then(
        () => log.debug(`Safeguard '${pythonStr(probe.name)}' finished normally`),
        (err) => logFailure(probe, err),
      ),
    );
  }

  private async once(probe: Probe, env: Environment): Promise<void> {
    const run = await this.execute(probe, env);
    await this.judge(probe, run, env);
  }

  /** Runs, waits `frequency` seconds, then judges the run it made before waiting, as run_repeatedly does. */
  private async repeat(probe: Probe, env: Environment): Promise<void> {
    const every = Number(probe.frequency);
    while (!this.stopped.signal.aborted) {
      const run = await this.execute(probe, env);
      await sleep(every, this.stopped.signal).catch(() => {});
      if (!this.stopped.signal.aborted) await this.judge(probe, run, env);
    }
  }

  private async judge(probe: Probe, run: ActivityRun, env: Environment): Promise<void> {
    if (this.finished || this.stopped.signal.aborted) return;
    const met = await withinTolerance(probe.tolerance, run.output, {
      configuration: env.configuration,
      secrets: env.secrets,
      runProbe: (p) => runProvider(env, p, this.stopped.signal),
    });
    if (!met) this.interrupt(pythonStr(probe.name));
  }

  /** One interruption per run, and none once the run has ended. */
  private interrupt(name: string): void {
    if (this.triggered || this.finished || this.stopped.signal.aborted) return;
    this.triggered = true;
    log.critical(`Safeguard '${name}' triggered the end of the experiment`);
    this.run.interruption?.interrupt(new Interrupted('SIGUSR1', 'Received the exit signal: 20'));
  }

  /**
   * chaosaddons' execute_activity: activity controls around it, its pauses, and a run record that goes to the
   * after-activity controls only (safeguards are not in the journal). Dry modes do not apply to safeguards.
   */
  private async execute(item: Probe, env: Environment): Promise<ActivityRun> {
    let probe = item;
    if (typeof item.ref === 'string') {
      const found = env.experiment ? buildRefCache(env.experiment).get(item.ref) : undefined;
      if (!found) throw new ActivityFailed(`could not find referenced activity '${item.ref}'`);
      probe = found as Probe;
    }
    const { controls } = this.run;
    const signal = this.stopped.signal;
    await controls.apply('activity', 'before', probe, undefined, { interruptible: false });
    let run: ActivityRun | undefined;
    try {
      const pauses = (probe.pauses ?? {}) as { before?: unknown; after?: unknown };
      if (pythonTruthy(pauses.before)) await sleep(Number(pauses.before), signal);
      const startUs = nowMicros();
      // the reference's key order: activity, output, status, exception, start, end, duration
      run = { activity: { ...probe }, output: null } as ActivityRun;
      try {
        run.output = (await runProvider(env, probe, signal)) ?? null;
        run.status = 'succeeded';
      } catch (err) {
        if (!(err instanceof ActivityFailed)) throw err;
        run.status = 'failed';
        run.exception = [`chaoslib.exceptions.ActivityFailed: ${err.message}\n`];
      } finally {
        const endUs = nowMicros();
        run.start = isoFromMicros(startUs);
        run.end = isoFromMicros(endUs);
        run.duration = (endUs - startUs) / 1e6;
      }
      if (pythonTruthy(pauses.after)) await sleep(Number(pauses.after), signal);
      return run;
    } finally {
      await controls.apply('activity', 'after', probe, run, { interruptible: false });
    }
  }
}

/** A safeguard whose probe or tolerance raised ends without a verdict, as its thread does in the reference. */
function logFailure(probe: Probe, err: unknown): void {
  log.debug(`Safeguard '${pythonStr(probe.name)}' failed: ${(err as Error)?.message ?? String(err)}`);
}
