// The live view of a run. On a terminal: one line per finished activity (status, duration, tolerance) grouped by
// phase, a spinner line for what is running, and the verdict with its reason; the reference-style INFO lines go to
// the log file only while it draws (warnings and errors still show). With --log-format json: one JSON line per
// event on stderr. Elsewhere (pipes, CI logs): nothing extra, the reference-style log lines tell the story.
import type { Activity } from '../experiment/types.ts';
import type { Phase, RunObserver } from '../engine/events.ts';
import type { ActivityRun, HypothesisState, Journal } from '../journal/journal.ts';
import { type Level, log, setConsoleSink } from '../log.ts';

export type ProgressView = RunObserver & { close(): void };

const PHASE_TITLE: Record<Phase, string> = {
  before: 'Steady-state hypothesis (before the method)',
  during: 'Steady-state hypothesis (during the method)',
  after: 'Steady-state hypothesis (after the method)',
  method: 'Method',
  rollbacks: 'Rollbacks',
};

export function progressView(format: 'string' | 'json', stream: NodeJS.WriteStream = process.stderr): ProgressView | null {
  if (format === 'json') return jsonView();
  if (stream.isTTY) return liveView(stream);
  return null;
}

function summarize(run: ActivityRun) {
  const out = run.output as { status?: unknown } | null;
  return {
    name: run.activity.name,
    type: run.activity.type,
    status: run.status ?? 'interrupted',
    duration: run.duration,
    tolerance_met: run.tolerance_met,
    output_status: out && typeof out === 'object' ? out.status : undefined,
  };
}

function jsonView(): ProgressView {
  const ev = (event: string, fields: Record<string, unknown>) => log.info(event, { event, ...fields });
  return {
    runStarted: (j, s) => ev('run-started', { title: j.experiment.title, hypothesis_strategy: s.hypothesis, rollback_strategy: s.rollbacks }),
    hypothesisCompleted: (phase, state) => ev('hypothesis-completed', { phase, steady_state_met: state?.steady_state_met ?? null }),
    activityStarted: (phase, a, background) => ev('activity-started', { phase, name: a.name, type: a.type, background }),
    activityCompleted: (phase, _a, run) => ev('activity-completed', { phase, ...summarize(run) }),
    rollbacksSkipped: (reason) => ev('rollbacks-skipped', { reason }),
    runFinished: (j) => ev('run-finished', { status: j.status, deviated: j.deviated, duration: j.duration }),
    close: () => {},
  };
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const c = (code: string, s: string) => `\x1b[${code}m${s}\x1b[0m`;

function liveView(stream: NodeJS.WriteStream): ProgressView {
  const running = new Map<Activity, { phase: Phase; since: number }>();
  let lastPhase: Phase | null = null;
  let frame = 0;
  let statusShown = false;
  let deviation: string | null = null;

  const clearStatus = () => {
    if (statusShown) stream.write('\r\x1b[2K');
    statusShown = false;
  };
  const drawStatus = () => {
    clearStatus();
    if (running.size === 0) return;
    const items = [...running].map(([a, r]) => `${a.type} ${a.name} ${((Date.now() - r.since) / 1000).toFixed(1)}s`);
    const line = `  ${c('36', SPIN[frame++ % SPIN.length])} ${items.join(' · ')}`;
    stream.write(line.slice(0, Math.max(20, (stream.columns ?? 100) - 1)));
    statusShown = true;
  };
  const print = (line: string) => {
    clearStatus();
    stream.write(line + '\n');
    drawStatus();
  };
  const timer = setInterval(drawStatus, 100);
  timer.unref();
  // INFO lines are the view's job now; warnings and errors still reach the terminal, above the status line
  setConsoleSink((level: Level, line: string) => {
    if (level === 'warning' || level === 'error' || level === 'critical') print(line);
  });

  const heading = (phase: Phase) => {
    if (phase !== lastPhase) print(c('1', PHASE_TITLE[phase]));
    lastPhase = phase;
  };

  return {
    runStarted: (j, s) =>
      print(`${c('1', 'Experiment:')} ${j.experiment.title}  ${c('2', `(hypothesis ${s.hypothesis}, rollbacks ${s.rollbacks})`)}`),
    hypothesisStarted: (phase) => {
      if (phase !== 'during') heading(phase);
    },
    activityStarted: (phase, a) => {
      if (phase !== 'during') heading(phase);
      running.set(a, { phase, since: Date.now() });
      drawStatus();
    },
    activityCompleted: (phase, a, run) => {
      running.delete(a);
      // hypothesis probes are printed with their tolerance verdict, once the hypothesis has checked it
      if (phase === 'method' || phase === 'rollbacks') print(activityLine(run));
    },
    hypothesisCompleted: (phase, state) => {
      if (phase === 'during') {
        if (state && !state.steady_state_met) print(`  ${c('33', '!')} continuous check deviated: ${missReason(state)}`);
        return;
      }
      for (const probe of state?.probes ?? []) print(activityLine(probe));
      if (state && !state.steady_state_met) {
        const reason = missReason(state);
        if (phase === 'after') deviation = reason;
        print(`  ${c('31', '✘ steady state not met:')} ${reason}`);
      } else if (state) print(`  ${c('32', '✔ steady state met')}`);
    },
    rollbacksSkipped: (reason) => {
      heading('rollbacks');
      print(`  ${c('2', `skipped (${reason})`)}`);
    },
    interrupted: (message) => print(`${c('33', 'Interrupted:')} ${message}`),
    runFinished: (j: Journal) => {
      const verdict = j.deviated
        ? c('1;31', 'DEVIATED') + ` — a weakness may have been found: ${deviation ?? 'the steady state did not hold'}`
        : j.status === 'completed'
          ? c('1;32', 'COMPLETED') + ' — the steady state held'
          : c('1;31', j.status!.toUpperCase());
      print(`${verdict}  ${c('2', `${(j.duration ?? 0).toFixed(2)}s`)}`);
    },
    close: () => {
      clearInterval(timer);
      clearStatus();
      setConsoleSink(null);
    },
  };
}

function activityLine(run: ActivityRun): string {
  const ok = run.status === 'succeeded' && run.tolerance_met !== false;
  const mark = !run.status ? c('33', '■') : ok ? c('32', '✔') : c('31', '✘');
  const dur = run.duration !== undefined ? c('2', `${run.duration.toFixed(3)}s`) : '';
  let tail = '';
  if (run.tolerance_met === true) tail = c('32', 'tolerance met');
  if (run.tolerance_met === false) tail = c('31', 'tolerance not met');
  if (run.status === 'failed' && run.exception) tail += ' ' + c('31', run.exception.at(-1)!.replace(/^chaoslib\.exceptions\.ActivityFailed: /, '').trim());
  if (!run.status) tail = c('33', 'interrupted');
  return `  ${mark} ${run.activity.type.padEnd(6)} ${run.activity.name}  ${dur}  ${tail}`.trimEnd();
}

function missReason(state: HypothesisState): string {
  const last = state.probes.at(-1);
  if (!last) return 'no probe ran';
  if (last.status === 'failed') return `probe '${last.activity.name}' failed`;
  const out = last.output as { status?: unknown } | null;
  const shown = out && typeof out === 'object' && 'status' in out ? `status ${String(out.status)}` : JSON.stringify(last.output)?.slice(0, 80);
  return `probe '${last.activity.name}' returned ${shown}, outside tolerance ${JSON.stringify(last.activity.tolerance)}`;
}
